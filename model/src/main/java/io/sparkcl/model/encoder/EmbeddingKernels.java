package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Row gathers and scatter-adds on tables stored in a flat array (Java loops over the native buffers: they touch only
 * N*d elements, and scatter-add must handle repeated ids exactly, which a parallel native scatter does not promise).
 */
final class EmbeddingKernels {
    private EmbeddingKernels() {
    }

    /**
     * out[j, :] = word[ids[j]] + pos[posIds[j]] + type[typeIds[j]] for j &lt; N. Tables are given by their element
     * offsets in {@code flat}; {@code out} is a contiguous [N, d] array.
     */
    static void gatherSum(INDArray flat, long wordOff, long posOff, long typeOff, int d, int[] ids, int[] posIds,
                          int[] typeIds, INDArray out) {
        int n = ids.length;
        int fo = (int) flat.offset();
        int oo = (int) out.offset();
        if (flat.dataType() == DataType.FLOAT) {
            FloatBuffer p = flat.data().asNioFloat();
            FloatBuffer o = out.data().asNioFloat();
            for (int j = 0; j < n; j++) {
                int w = fo + (int) (wordOff + (long) ids[j] * d);
                int q = fo + (int) (posOff + (long) posIds[j] * d);
                int t = fo + (int) (typeOff + (long) typeIds[j] * d);
                int dst = oo + j * d;
                for (int k = 0; k < d; k++) {
                    o.put(dst + k, p.get(w + k) + p.get(q + k) + p.get(t + k));
                }
            }
        } else {
            DoubleBuffer p = flat.data().asNioDouble();
            DoubleBuffer o = out.data().asNioDouble();
            for (int j = 0; j < n; j++) {
                int w = fo + (int) (wordOff + (long) ids[j] * d);
                int q = fo + (int) (posOff + (long) posIds[j] * d);
                int t = fo + (int) (typeOff + (long) typeIds[j] * d);
                int dst = oo + j * d;
                for (int k = 0; k < d; k++) {
                    o.put(dst + k, p.get(w + k) + p.get(q + k) + p.get(t + k));
                }
            }
        }
    }

    /** grad[tableOff + ids[j]*d + k] += src[j, k] for every j (repeated ids accumulate). */
    static void scatterAdd(INDArray gradFlat, long tableOff, int d, int[] ids, INDArray src) {
        int n = ids.length;
        int go = (int) gradFlat.offset();
        int so = (int) src.offset();
        if (gradFlat.dataType() == DataType.FLOAT) {
            FloatBuffer g = gradFlat.data().asNioFloat();
            FloatBuffer s = src.data().asNioFloat();
            for (int j = 0; j < n; j++) {
                int dst = go + (int) (tableOff + (long) ids[j] * d);
                int from = so + j * d;
                for (int k = 0; k < d; k++) {
                    g.put(dst + k, g.get(dst + k) + s.get(from + k));
                }
            }
        } else {
            DoubleBuffer g = gradFlat.data().asNioDouble();
            DoubleBuffer s = src.data().asNioDouble();
            for (int j = 0; j < n; j++) {
                int dst = go + (int) (tableOff + (long) ids[j] * d);
                int from = so + j * d;
                for (int k = 0; k < d; k++) {
                    g.put(dst + k, g.get(dst + k) + s.get(from + k));
                }
            }
        }
    }
}
