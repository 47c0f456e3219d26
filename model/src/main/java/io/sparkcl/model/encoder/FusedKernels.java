package io.sparkcl.model.encoder;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The CPU kernels: each row-wise operation is one fused Java pass over the native FLOAT buffers (each native ND4J op is
 * a separate pass and an OpenMP region, which on a small machine costs more than the arithmetic). Work is split into
 * row chunks on the common fork-join pool. FLOAT only: the training precision; the float64 reference is
 * {@link PortableKernels}.
 *
 * <p>Every array is addressed as (its buffer, its offset), so parameter and gradient views of the flat arrays work.
 */
final class FusedKernels implements EncoderKernels {
    private static final int CHUNKS = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    @Override
    public String name() {
        return "fused";
    }

    private static FloatBuffer buf(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("the fused kernels are FLOAT only, got " + a.dataType());
        }
        return a.data().asNioFloat();
    }

    private static FloatBuffer bufOrNull(INDArray a) {
        return a == null ? null : buf(a);
    }

    private static int off(INDArray a) {
        return a == null ? -1 : (int) a.offset();
    }

    /** Row ranges for parallel work. */
    private static int[][] chunks(int rows) {
        int c = Math.min(CHUNKS, Math.max(1, rows));
        int[][] r = new int[c][2];
        for (int i = 0; i < c; i++) {
            r[i][0] = (int) ((long) rows * i / c);
            r[i][1] = (int) ((long) rows * (i + 1) / c);
        }
        return r;
    }

    /** Adds per-chunk partial column sums into {@code target} (a gradient view). */
    private static void addSums(INDArray target, float[][] partial) {
        FloatBuffer g = buf(target);
        int o = off(target);
        for (float[] sum : partial) {
            for (int j = 0; j < sum.length; j++) {
                g.put(o + j, g.get(o + j) + sum[j]);
            }
        }
    }

    /** Row chunks in parallel; a hashed mask is regenerated row by row (see {@link DropoutMask}). */
    @Override
    public void dropout(INDArray x, DropoutMask mask) {
        final int d = (int) x.size(1);
        final FloatBuffer X = buf(x);
        final int xo = off(x);
        int[][] ch = chunks((int) x.size(0));
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            DropoutMask.Reader masks = mask.reader();
            float[] v = new float[d];
            float[] m = new float[d];
            for (int i = ch[c][0]; i < ch[c][1]; i++) {
                X.get(xo + i * d, v);
                masks.rows(i, 1, m);
                for (int j = 0; j < d; j++) {
                    v[j] *= m[j];
                }
                X.put(xo + i * d, v);
            }
        });
    }

    @Override
    public void gatherSum(INDArray word, INDArray position, INDArray type, int[] ids, int[] posIds, int[] typeIds,
                          INDArray out) {
        final int d = (int) out.size(1);
        final FloatBuffer w = buf(word);
        final FloatBuffer p = buf(position);
        final FloatBuffer ty = buf(type);
        final FloatBuffer o = buf(out);
        final int wo = off(word), po = off(position), to = off(type), oo = off(out);
        int[][] ch = chunks(ids.length);
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            float[] sum = new float[d];
            float[] pos = new float[d];
            float[] typ = new float[d];
            for (int j = ch[c][0]; j < ch[c][1]; j++) {
                w.get(wo + ids[j] * d, sum);
                p.get(po + posIds[j] * d, pos);
                ty.get(to + typeIds[j] * d, typ);
                for (int k = 0; k < d; k++) {
                    sum[k] = sum[k] + pos[k] + typ[k];
                }
                o.put(oo + j * d, sum);
            }
        });
    }

    @Override
    public void gatherRows(INDArray src, int[] rows, INDArray dst) {
        copyRows(src, rows, dst, true);
    }

    @Override
    public void scatterRows(INDArray src, int[] rows, INDArray dst) {
        copyRows(src, rows, dst, false);
    }

    /** Row copies between a [N, w] array and a compact [r, w] one (a few rows: sequential). */
    private static void copyRows(INDArray from, int[] rows, INDArray to, boolean gather) {
        int w = (int) from.size(1);
        FloatBuffer f = buf(from);
        FloatBuffer t = buf(to);
        int fo = off(from);
        int tOff = off(to);
        float[] row = new float[w];
        for (int i = 0; i < rows.length; i++) {
            f.get(fo + (gather ? rows[i] : i) * w, row);
            t.put(tOff + (gather ? i : rows[i]) * w, row);
        }
    }

    /** Sequential: exact for repeated ids (a parallel scatter would race), and only N*d elements. */
    @Override
    public void scatterAdd(INDArray table, int[] ids, INDArray src) {
        int d = (int) src.size(1);
        FloatBuffer g = buf(table);
        FloatBuffer s = buf(src);
        int go = off(table);
        int so = off(src);
        float[] row = new float[d];
        float[] add = new float[d];
        for (int j = 0; j < ids.length; j++) {
            int dst = go + ids[j] * d;
            g.get(dst, row);
            s.get(so + j * d, add);
            for (int k = 0; k < d; k++) {
                row[k] += add[k];
            }
            g.put(dst, row);
        }
    }

    @Override
    public void layerNormForward(INDArray a, INDArray bias, DropoutMask mask, INDArray residual, INDArray gamma,
                                 INDArray beta, double eps, INDArray xhat, INDArray rstd, INDArray out) {
        final int rows = (int) a.size(0);
        final int d = (int) a.size(1);
        final FloatBuffer A = buf(a);
        final FloatBuffer B = bufOrNull(bias);
        final FloatBuffer R = bufOrNull(residual);
        final FloatBuffer G = buf(gamma);
        final FloatBuffer Be = buf(beta);
        final FloatBuffer X = bufOrNull(xhat);
        final FloatBuffer S = bufOrNull(rstd);
        final FloatBuffer O = buf(out);
        final int ao = off(a), bo = off(bias), ro = off(residual), go = off(gamma), beo = off(beta);
        final int xo = off(xhat), so = off(rstd), oo = off(out);
        final float[] bias0 = row(B, bo, d);
        final float[] gamma0 = row(G, go, d);
        final float[] beta0 = row(Be, beo, d);
        int[][] ch = chunks(rows);
        // Row by row through heap arrays (bulk copies; C2 vectorises the element-wise loops).
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            float[] v = new float[d];
            float[] o = new float[d];
            DropoutMask.Reader masks = mask == null ? null : mask.reader();
            float[] m = mask == null ? null : new float[d];
            float[] res = R == null ? null : new float[d];
            for (int i = ch[c][0]; i < ch[c][1]; i++) {
                int base = i * d;
                A.get(ao + base, v);
                if (bias0 != null) {
                    for (int j = 0; j < d; j++) {
                        v[j] += bias0[j];
                    }
                }
                if (m != null) {
                    masks.rows(i, 1, m);
                    for (int j = 0; j < d; j++) {
                        v[j] *= m[j];
                    }
                }
                if (res != null) {
                    R.get(ro + base, res);
                    for (int j = 0; j < d; j++) {
                        v[j] += res[j];
                    }
                }
                float mean = sum(v, d) / d;
                for (int j = 0; j < d; j++) {
                    o[j] = v[j] - mean;
                }
                float rs = (float) (1.0 / Math.sqrt(sumOfProducts(o, o, d) / d + eps));
                for (int j = 0; j < d; j++) {
                    float xh = o[j] * rs;
                    v[j] = xh;
                    o[j] = xh * gamma0[j] + beta0[j];
                }
                if (X != null) {
                    S.put(so + i, rs);
                    X.put(xo + base, v);
                }
                O.put(oo + base, o);
            }
        });
    }

    /**
     * x[0] + ... + x[len-1] in eight interleaved partial sums: a single running sum is a chain of dependent additions
     * (one per FP-add latency, and C2 does not vectorise float reductions); eight chains overlap.
     */
    private static float sum(float[] x, int len) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int j = 0;
        for (; j + 8 <= len; j += 8) {
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
            s4 += x[j + 4];
            s5 += x[j + 5];
            s6 += x[j + 6];
            s7 += x[j + 7];
        }
        for (; j < len; j++) {
            s0 += x[j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** x[0] y[0] + ... + x[len-1] y[len-1], in eight partial sums as {@link #sum}. */
    private static float sumOfProducts(float[] x, float[] y, int len) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int j = 0;
        for (; j + 8 <= len; j += 8) {
            s0 += x[j] * y[j];
            s1 += x[j + 1] * y[j + 1];
            s2 += x[j + 2] * y[j + 2];
            s3 += x[j + 3] * y[j + 3];
            s4 += x[j + 4] * y[j + 4];
            s5 += x[j + 5] * y[j + 5];
            s6 += x[j + 6] * y[j + 6];
            s7 += x[j + 7] * y[j + 7];
        }
        for (; j < len; j++) {
            s0 += x[j] * y[j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** A copy of {@code len} floats of a (parameter) buffer from {@code offset}, or null for a null buffer. */
    private static float[] row(FloatBuffer b, int offset, int len) {
        if (b == null) {
            return null;
        }
        float[] r = new float[len];
        b.get(offset, r);
        return r;
    }

    @Override
    public void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dGamma,
                                  INDArray dBeta, DropoutMask mask, INDArray residualOut, INDArray dx, INDArray dBias) {
        final int rows = (int) dy.size(0);
        final int d = (int) dy.size(1);
        final FloatBuffer DY = buf(dy);
        final FloatBuffer X = buf(xhat);
        final FloatBuffer S = buf(rstd);
        final FloatBuffer G = buf(gamma);
        final FloatBuffer RO = bufOrNull(residualOut);
        final FloatBuffer DX = buf(dx);
        final int yo = off(dy), xo = off(xhat), so = off(rstd), go = off(gamma), roo = off(residualOut);
        final int dxo = off(dx);
        int[][] ch = chunks(rows);
        float[][] dg = new float[ch.length][d];
        float[][] db = new float[ch.length][d];
        float[][] dd = new float[ch.length][d];
        final float[] gamma0 = row(G, go, d);
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            float[] g = dg[c];
            float[] b = db[c];
            float[] bd = dd[c];
            float[] y = new float[d];
            float[] xh = new float[d];
            float[] dxh = new float[d];
            DropoutMask.Reader masks = mask == null ? null : mask.reader();
            float[] m = mask == null ? null : new float[d];
            for (int i = ch[c][0]; i < ch[c][1]; i++) {
                int base = i * d;
                DY.get(yo + base, y);
                X.get(xo + base, xh);
                layerNormBackwardRow(y, xh, gamma0, S.get(so + i), g, b, dxh, d);
                if (RO != null) {
                    RO.put(roo + base, dxh);
                }
                if (m != null) {
                    masks.rows(i, 1, m);
                    for (int j = 0; j < d; j++) {
                        dxh[j] *= m[j];
                    }
                }
                DX.put(dxo + base, dxh);
                for (int j = 0; j < d; j++) {
                    bd[j] += dxh[j];
                }
            }
        });
        addSums(dGamma, dg);
        addSums(dBeta, db);
        if (dBias != null) {
            addSums(dBias, dd);
        }
    }

    /**
     * One row of the LayerNorm backward: adds dy * xhat and dy to the gamma and beta gradient sums and writes
     * dxhat = rstd * (dy gamma - mean(dy gamma) - xhat mean(dy gamma xhat)) into {@code dx} (the arithmetic of the
     * loop it was taken from, unchanged). A method of its own, so
     * C2 compiles it early and for every caller alike (inside the chunk loop, the embeddings' call, the only one
     * without residual output, made the loop's compiled code deoptimise during the first steps).
     */
    private static void layerNormBackwardRow(float[] y, float[] xh, float[] gamma, float rs, float[] g, float[] b,
                                             float[] dx, int d) {
        for (int j = 0; j < d; j++) {
            g[j] += y[j] * xh[j];
            b[j] += y[j];
            dx[j] = y[j] * gamma[j];
        }
        float m1 = 0f;
        float m2 = 0f;
        for (int j = 0; j < d; j++) {
            m1 += dx[j];
            m2 += dx[j] * xh[j];
        }
        m1 /= d;
        m2 /= d;
        for (int j = 0; j < d; j++) {
            dx[j] = rs * (dx[j] - m1 - xh[j] * m2);
        }
    }

    /** The GELU of {@link FastGelu} (vectorised by C2), one row at a time through heap scratch arrays. */
    @Override
    public void biasGelu(INDArray h, INDArray bias, INDArray deriv, INDArray geluU) {
        final int rows = (int) h.size(0);
        final int width = (int) h.size(1);
        final FloatBuffer H = buf(h);
        final FloatBuffer E = bufOrNull(deriv);
        final FloatBuffer G = buf(geluU);
        final int ho = off(h), eo = off(deriv), go = off(geluU);
        final float[] b = new float[width];
        buf(bias).get(off(bias), b);
        int[][] ch = chunks(rows);
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            float[] x = new float[width];
            float[] g = new float[width];
            float[] e = E == null ? null : new float[width];
            FastGelu.Scratch scratch = new FastGelu.Scratch(width);
            for (int r = ch[c][0]; r < ch[c][1]; r++) {
                int base = r * width;
                H.get(ho + base, x);
                for (int j = 0; j < width; j++) {
                    x[j] += b[j];
                }
                FastGelu.apply(x, width, g, e, scratch);
                G.put(go + base, g);
                if (E != null) {
                    E.put(eo + base, e);
                }
            }
        });
    }

    @Override
    public void geluBackward(INDArray deriv, INDArray dG, INDArray dBias) {
        final int rows = (int) deriv.size(0);
        final int width = (int) deriv.size(1);
        final FloatBuffer E = buf(deriv);
        final FloatBuffer D = buf(dG);
        final int eo = off(deriv), dof = off(dG);
        int[][] ch = chunks(rows);
        float[][] sums = new float[ch.length][width];
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            float[] sum = sums[c];
            float[] dg = new float[width];
            float[] e = new float[width];
            for (int r = ch[c][0]; r < ch[c][1]; r++) {
                int base = r * width;
                D.get(dof + base, dg);
                E.get(eo + base, e);
                for (int j = 0; j < width; j++) {
                    float v = dg[j] * e[j];
                    dg[j] = v;
                    sum[j] += v;
                }
                D.put(dof + base, dg);
            }
        });
        addSums(dBias, sums);
    }

    /**
     * OpenBLAS called directly on the row-major buffers (same kernels and results as {@code Nd4j.gemm}, which passes
     * c-order arrays to the column-major interface as the transposed product and runs these shapes a few per cent
     * slower); arrays that are not row-major with unit column stride go through ND4J.
     */
    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        if (!rowMajor(a) || !rowMajor(b) || !rowMajor(c)) {
            EncoderKernels.super.gemm(a, b, c, ta, tb, alpha, beta);
            return;
        }
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (ta ? a.size(0) : a.size(1));
        if ((ta ? a.size(1) : a.size(0)) != m || (tb ? b.size(1) : b.size(0)) != k || (tb ? b.size(0) : b.size(1)) != n) {
            throw new IllegalArgumentException("gemm shapes do not match: " + Arrays.toString(a.shape())
                    + (ta ? "^T" : "") + " x " + Arrays.toString(b.shape()) + (tb ? "^T" : "") + " -> "
                    + Arrays.toString(c.shape()));
        }
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, op(ta), op(tb), m, n, k, (float) alpha, ptr(a),
                (int) a.stride(0), ptr(b), (int) b.stride(0), (float) beta, ptr(c), (int) c.stride(0));
    }

    private static boolean rowMajor(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.stride(1) == 1 && a.stride(0) >= a.size(1);
    }

    private static int op(boolean transpose) {
        return transpose ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    }

    @Override
    public void fillRows(INDArray row, INDArray out) {
        final FloatBuffer O = buf(out);
        final int o = off(out);
        final int len = (int) row.length();
        final float[] r = new float[len];
        buf(row).get(off(row), r);
        int[][] ch = chunks((int) out.size(0));
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            for (int i = ch[c][0]; i < ch[c][1]; i++) {
                O.put(o + i * len, r);
            }
        });
    }

    /**
     * A pointer to the array's first element, for BLAS calls: the data buffer's address already includes the buffer's
     * own offset (views of the flat parameters), so only the array's offset beyond it is added.
     */
    private static FloatPointer ptr(INDArray a) {
        buf(a);
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        return p.position(p.position() + a.offset() - a.data().offset());
    }

    /** Pointer {@code base} moved on by {@code elements}. */
    private static FloatPointer at(FloatPointer base, long elements) {
        return new FloatPointer(base).position(base.position() + elements);
    }

    /** Row-major C[m, n] = alpha op(A) op(B) + beta C with explicit leading dimensions (views into larger rows). */
    private static void sgemm(boolean ta, boolean tb, int m, int n, int k, double alpha, FloatPointer a, int lda,
                              FloatPointer b, int ldb, FloatPointer c, int ldc) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, op(ta), op(tb), m, n, k, (float) alpha, a, lda, b,
                ldb, 0f, c, ldc);
    }

    /*
     * Attention one (sample, head) block at a time: the products address Q, K, V, the context and their gradients in
     * place in the token rows (BLAS leading dimensions 3d and d), so there are no head split/merge copies, and each
     * T x T block of scores is still in cache when the softmax reads it. The blocks are spread over the fork-join
     * pool; each BLAS call is small enough that OpenBLAS runs it on the calling thread.
     */
    @Override
    public void attentionForward(INDArray qkv, INDArray maskBias, int n, int t, int heads, double scale,
                                 INDArray probs, DropoutMask probsMask, INDArray context) {
        final int d = (int) context.size(1);
        final int dh = d / heads;
        final int ld = 3 * d;
        final int tt = t * t;
        final FloatPointer qkvP = ptr(qkv);
        final FloatPointer probsP = ptr(probs);
        final FloatPointer ctxP = ptr(context);
        final FloatBuffer S = buf(probs);
        final FloatBuffer B = buf(maskBias);
        final int so = off(probs), bo = off(maskBias);
        forEachHeadBlock(n, heads, t, d, () -> {
            float[] v = new float[tt];
            double[] ex = new double[tt];
            float[] bias = new float[t];
            DropoutMask.Reader masks = probsMask == null ? null : probsMask.reader();
            float[] m = probsMask == null ? null : new float[tt];
            NativeBlock dropped = probsMask == null ? null : new NativeBlock(tt);
            return (blk, sample, head, q) -> {
                sgemm(false, true, t, t, dh, scale, at(qkvP, q), ld, at(qkvP, q + d), ld, at(probsP, (long) blk * tt), t);
                S.get(so + blk * tt, v);
                B.get(bo + sample * t, bias);
                softmaxBlock(v, ex, bias, t);
                S.put(so + blk * tt, v);
                FloatPointer used = at(probsP, (long) blk * tt);
                if (m != null) {
                    masks.rows(blk * t, t, m);
                    for (int j = 0; j < tt; j++) {
                        m[j] *= v[j];
                    }
                    used = dropped.holding(m);
                }
                sgemm(false, false, t, dh, t, 1.0, used, t, at(qkvP, q + 2L * d), ld,
                        at(ctxP, (long) sample * t * d + (long) head * dh), d);
            };
        });
    }

    /**
     * A block of native floats for one BLAS operand made in Java (the dropped probabilities of one head: made where
     * they are used, in forward and backward, instead of stored). Per thread; it stays in cache.
     */
    private static final class NativeBlock {
        private final FloatBuffer floats;
        private final FloatPointer pointer;

        NativeBlock(int size) {
            floats = ByteBuffer.allocateDirect(Float.BYTES * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
            pointer = new FloatPointer(floats);
        }

        /** The block holding {@code values}, as a BLAS operand. */
        FloatPointer holding(float[] values) {
            floats.put(0, values);
            return pointer;
        }
    }

    /** One (sample, head) attention block; {@code q} is the offset of its Q columns in the Q/K/V rows. */
    private interface HeadBlock {
        void run(int blk, int sample, int head, long q);
    }

    /**
     * Runs every (sample, head) block of an [n*T, 3d] Q/K/V layout, in row chunks over the fork-join pool; each chunk
     * makes its worker (and with it its scratch arrays) once from {@code perChunk}.
     */
    private static void forEachHeadBlock(int n, int heads, int t, int d, Supplier<HeadBlock> perChunk) {
        final long rowQkv = (long) t * 3 * d;
        final int dh = d / heads;
        int[][] ch = chunks(n * heads);
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            HeadBlock block = perChunk.get();
            for (int blk = ch[c][0]; blk < ch[c][1]; blk++) {
                int sample = blk / heads;
                int head = blk % heads;
                block.run(blk, sample, head, sample * rowQkv + (long) head * dh);
            }
        });
    }

    /** v [T, T] (scores of one head) becomes softmax(v + bias) row by row; one vectorised exp over the block. */
    static void softmaxBlock(float[] v, double[] ex, float[] bias, int t) {
        int tt = t * t;
        for (int r = 0; r < tt; r += t) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < t; k++) {
                v[r + k] += bias[k];
                max = Math.max(max, v[r + k]);
            }
            for (int k = 0; k < t; k++) {
                ex[r + k] = v[r + k] - max;
            }
        }
        VectorExp.expInPlace(ex, tt);
        for (int r = 0; r < tt; r += t) {
            float sum = 0f;
            for (int k = 0; k < t; k++) {
                float e = (float) ex[r + k];
                v[r + k] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int k = 0; k < t; k++) {
                v[r + k] *= inv;
            }
        }
    }

    /** Softmax backward of one [T, T] block: g (dP, dropout mask applied) becomes dS = P * (g - sum_k P g) per row. */
    static void softmaxBackwardBlock(float[] g, float[] p, int t) {
        for (int r = 0; r < t * t; r += t) {
            float dot = rowDot(g, p, r, t);
            for (int k = r; k < r + t; k++) {
                g[k] = p[k] * (g[k] - dot);
            }
        }
    }

    /** sum over [from, from + len) of a[k] b[k], in four interleaved partial sums. */
    private static float rowDot(float[] a, float[] b, int from, int len) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int k = from;
        for (int end = from + (len & ~3); k < end; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < from + len; k++) {
            s0 += a[k] * b[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void attentionBackward(INDArray qkv, INDArray probs, DropoutMask probsMask,
                                  INDArray dContext, int n, int t, int heads, double scale, INDArray dScores,
                                  INDArray dQkv, INDArray dQkvBias) {
        final int d = (int) dContext.size(1);
        final int dh = d / heads;
        final int ld = 3 * d;
        final int tt = t * t;
        final FloatPointer qkvP = ptr(qkv);
        final FloatPointer probsP = ptr(probs);
        final FloatPointer dCtxP = ptr(dContext);
        final FloatPointer dSP = ptr(dScores);
        final FloatPointer dQkvP = ptr(dQkv);
        final FloatBuffer P = buf(probs);
        final FloatBuffer G = buf(dScores);
        final int po = off(probs), go = off(dScores);
        forEachHeadBlock(n, heads, t, d, () -> {
            float[] g = new float[tt];
            float[] pr = new float[tt];
            DropoutMask.Reader masks = probsMask == null ? null : probsMask.reader();
            float[] m = probsMask == null ? null : new float[tt];
            NativeBlock dropped = probsMask == null ? null : new NativeBlock(tt);
            return (blk, sample, head, q) -> {
                FloatPointer dCtx = at(dCtxP, (long) sample * t * d + (long) head * dh);
                FloatPointer dS = at(dSP, (long) blk * tt);
                P.get(po + blk * tt, pr);
                FloatPointer used = at(probsP, (long) blk * tt);
                if (m != null) {
                    masks.rows(blk * t, t, m);
                    for (int j = 0; j < tt; j++) {
                        g[j] = pr[j] * m[j];    // the dropped probabilities, as in the forward
                    }
                    used = dropped.holding(g);
                }
                sgemm(true, false, t, dh, t, 1.0, used, t, dCtx, d, at(dQkvP, q + 2L * d), ld);
                sgemm(false, true, t, t, dh, 1.0, dCtx, d, at(qkvP, q + 2L * d), ld, dS, t);
                G.get(go + blk * tt, g);
                if (m != null) {
                    for (int j = 0; j < tt; j++) {
                        g[j] *= m[j];
                    }
                }
                softmaxBackwardBlock(g, pr, t);
                G.put(go + blk * tt, g);
                sgemm(false, false, t, dh, t, scale, dS, t, at(qkvP, q + d), ld, at(dQkvP, q), ld);
                sgemm(true, false, t, dh, t, scale, dS, t, at(qkvP, q), ld, at(dQkvP, q + d), ld);
            };
        });
        addColumnSums(dQkv, dQkvBias);
    }

    /** target += column sums of a [N, len] (row chunks in parallel). */
    private static void addColumnSums(INDArray a, INDArray target) {
        final FloatBuffer A = buf(a);
        final int ao = off(a);
        final int len = (int) a.size(1);
        int[][] ch = chunks((int) a.size(0));
        float[][] sums = new float[ch.length][len];
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            float[] row = new float[len];
            float[] sum = sums[c];
            for (int i = ch[c][0]; i < ch[c][1]; i++) {
                A.get(ao + i * len, row);
                for (int j = 0; j < len; j++) {
                    sum[j] += row[j];
                }
            }
        });
        addSums(target, sums);
    }
}
