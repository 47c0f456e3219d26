package io.sparkcl.model.optim;

import io.sparkcl.model.encoder.FloatSums;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/** Clipping of a flat gradient by its global L2 norm (as {@code torch.nn.utils.clip_grad_norm_}). */
public final class GradientClipping {
    /** Elements per parallel chunk and per heap block of the fused FLOAT norm. */
    private static final int CHUNK = 1 << 18;
    private static final int BLOCK = 4096;

    private GradientClipping() {
    }

    /**
     * The global L2 norm of the flat gradient. A contiguous FLOAT array (the training gradient) is summed by a fused
     * Java pass, as {@link AdamW} updates it (ND4J's norm2 took ~4x as long as a pass over the same memory): squares
     * in float over blocks of 4096 elements (eight partial chains), blocks added in double. Anything else goes
     * through ND4J.
     */
    public static double globalNorm(INDArray grads) {
        if (grads.dataType() == DataType.FLOAT && !grads.isView() && grads.offset() == 0
                && (grads.rank() == 1 || grads.isVector()) && grads.length() <= Integer.MAX_VALUE) {
            return Math.sqrt(sumOfSquaresFused(grads));
        }
        return grads.norm2Number().doubleValue();
    }

    private static double sumOfSquaresFused(INDArray grads) {
        final FloatBuffer g = grads.data().asNioFloat();
        final int length = (int) grads.length();
        final int chunks = (length + CHUNK - 1) / CHUNK;
        double total = IntStream.range(0, chunks).parallel().mapToDouble(c -> {
            float[] block = new float[BLOCK];
            double sum = 0;
            for (int at = c * CHUNK, end = Math.min(length, at + CHUNK); at < end; at += BLOCK) {
                int len = Math.min(BLOCK, end - at);
                g.get(at, block, 0, len);
                sum += FloatSums.sumOfProducts(block, block, 0, len);
            }
            return sum;
        }).sum();
        // the buffer view does not keep the array alive: the collector must not free the native buffer mid-pass
        Reference.reachabilityFence(grads);
        return total;
    }

    /**
     * Scales {@code grads} in place by {@code maxNorm / (norm + 1e-6)} when that factor is below 1.
     * A non-positive or infinite {@code maxNorm} disables clipping.
     *
     * @return the global norm before clipping
     */
    public static double clipByGlobalNorm(INDArray grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (maxNorm > 0 && !Double.isInfinite(maxNorm)) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1.0) {
                grads.muli(coef);
            }
        }
        return norm;
    }
}
