package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Some token rows of the [n*T, ...] activations, gathered into compact arrays [r, ...]. The last layer's backward
 * runs on the rows the pooling and the label features read (CLS pooling: one row per sequence), because its
 * output gradient is zero on every other row and its feed-forward block and attention output projection are
 * row-local: their gradients from those rows alone are the whole gradients.
 */
final class RowSubset {
    private final EncoderKernels k;
    private final BufferArena arena;
    private final int[] rows;

    RowSubset(EncoderKernels kernels, BufferArena arena, int[] rows) {
        this.k = kernels;
        this.arena = arena;
        this.rows = rows;
    }

    int size() {
        return rows.length;
    }

    /** The rows of {@code src} [N, w] (or [N]) in a buffer of the arena named {@code name}. */
    INDArray gather(String name, INDArray src) {
        if (src == null) {
            return null;
        }
        boolean vector = src.rank() == 1;
        INDArray matrix = vector ? src.reshape(src.length(), 1) : src;
        INDArray dst = arena.get("rows." + name, rows.length, matrix.size(1));
        k.gatherRows(matrix, rows, dst);
        return vector ? dst.reshape(rows.length) : dst;
    }

    /** dst[rows[i]] = compact[i]; dst's other rows are left as they are. */
    void scatter(INDArray compact, INDArray dst) {
        k.scatterRows(compact, rows, dst);
    }

    /** What a row-local backward reads of the layer's saved activations, on these rows. */
    Activations.Layer of(Activations.Layer la) {
        Activations.Layer r = new Activations.Layer();
        r.context = gather("context", la.context);
        r.mask1 = la.mask1 == null ? null : la.mask1.rowsAt(rows);
        r.xhat1 = gather("xhat1", la.xhat1);
        r.rstd1 = gather("rstd1", la.rstd1);
        r.x1 = gather("x1", la.x1);
        r.geluDeriv = gather("geluDeriv", la.geluDeriv);
        r.geluU = gather("geluU", la.geluU);
        r.mask2 = la.mask2 == null ? null : la.mask2.rowsAt(rows);
        r.xhat2 = gather("xhat2", la.xhat2);
        r.rstd2 = gather("rstd2", la.rstd2);
        return r;
    }
}
