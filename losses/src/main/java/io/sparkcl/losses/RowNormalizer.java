package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * ẑ = z / max(‖z‖, ε) per row, and the backward pass of that map.
 *
 * <p>For ‖z‖ ≥ ε the Jacobian is (I − ẑẑᵀ)/‖z‖, so dL/dz = (g − ẑ(ẑ·g))/‖z‖. Below ε the map is the
 * linear z/ε (as PyTorch's F.normalize), so a zero row stays zero, gets similarity 0 with everything,
 * and its gradient g/ε is finite. ε = 1e-12.
 */
final class RowNormalizer {
    static final double EPSILON = 1e-12;

    final INDArray normalized;
    /** max(‖z_i‖, ε) as a column [N,1]. */
    private final INDArray norms;
    /** 1 where ‖z_i‖ ≥ ε (projection applies), 0 where the row was clamped; column [N,1]. */
    private final INDArray projected;

    /** Frees the normalised copy (call when neither it nor {@link #backward} is needed any more). */
    void release() {
        Release.close(normalized);
    }

    RowNormalizer(INDArray input) {
        // The blocked GEMMs read row intervals, so the normalised copy must be row-major.
        INDArray z = input.ordering() == 'c' ? input : input.dup('c');
        long n = z.size(0);
        INDArray raw = z.norm2(1).reshape(n, 1);
        this.projected = raw.gte(EPSILON).castTo(z.dataType());
        this.norms = Transforms.max(raw, EPSILON, true);
        this.normalized = z.divColumnVector(norms);
    }

    /** Gradient with respect to z given the gradient g with respect to ẑ (g is overwritten). */
    INDArray backward(INDArray g) {
        long n = g.size(0);
        INDArray products = normalized.mul(g);
        INDArray dots = products.sum(1).reshape(n, 1).muli(projected);
        Release.close(products);
        INDArray radial = normalized.mulColumnVector(dots);
        g.subi(radial);
        Release.close(radial);
        return g.diviColumnVector(norms);
    }
}
