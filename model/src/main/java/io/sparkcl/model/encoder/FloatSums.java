package io.sparkcl.model.encoder;

/**
 * Float reductions over a range of a heap array in eight interleaved partial chains: a single running sum is a chain
 * of dependent additions (one per FP-add latency, and C2 does not vectorise float reductions); eight chains overlap.
 * Used by the fused kernels and by the optimizer's gradient norm.
 */
public final class FloatSums {
    private FloatSums() {
    }

    /** x[from] + ... + x[from+len-1]. */
    public static float sum(float[] x, int from, int len) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int j = from;
        int end = from + len;
        for (; j + 8 <= end; j += 8) {
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
            s4 += x[j + 4];
            s5 += x[j + 5];
            s6 += x[j + 6];
            s7 += x[j + 7];
        }
        for (; j < end; j++) {
            s0 += x[j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** x[from] y[from] + ... over {@code len} elements, in eight partial sums as {@link #sum}. */
    public static float sumOfProducts(float[] x, float[] y, int from, int len) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int j = from;
        int end = from + len;
        for (; j + 8 <= end; j += 8) {
            s0 += x[j] * y[j];
            s1 += x[j + 1] * y[j + 1];
            s2 += x[j + 2] * y[j + 2];
            s3 += x[j + 3] * y[j + 3];
            s4 += x[j + 4] * y[j + 4];
            s5 += x[j + 5] * y[j + 5];
            s6 += x[j + 6] * y[j + 6];
            s7 += x[j + 7] * y[j + 7];
        }
        for (; j < end; j++) {
            s0 += x[j] * y[j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** max(x[from], ..., x[from+len-1]) in eight partial maxima (exact: the order of max does not matter), len >= 1. */
    public static float max(float[] x, int from, int len) {
        float m0 = x[from], m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0;
        int j = from;
        int end = from + len;
        for (; j + 8 <= end; j += 8) {
            m0 = Math.max(m0, x[j]);
            m1 = Math.max(m1, x[j + 1]);
            m2 = Math.max(m2, x[j + 2]);
            m3 = Math.max(m3, x[j + 3]);
            m4 = Math.max(m4, x[j + 4]);
            m5 = Math.max(m5, x[j + 5]);
            m6 = Math.max(m6, x[j + 6]);
            m7 = Math.max(m7, x[j + 7]);
        }
        for (; j < end; j++) {
            m0 = Math.max(m0, x[j]);
        }
        return Math.max(Math.max(Math.max(m0, m1), Math.max(m2, m3)), Math.max(Math.max(m4, m5), Math.max(m6, m7)));
    }
}
