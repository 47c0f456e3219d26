package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Row-wise kernels written as single fused Java passes over the native buffers (each native ND4J op is a separate pass
 * and an OpenMP parallel region, which on a small shared machine costs more than the arithmetic): LayerNorm with the
 * residual and dropout folded in, its backward, the GELU epilogue and backward, and head split/merge copies.
 * Work is split into row chunks run on the common fork-join pool. Float and double versions are the same code.
 *
 * <p>Arrays named "buffer" here are contiguous c-order arrays at offset 0 of their data buffer (the arena's views);
 * parameters and gradients are addressed as (flat array, element offset).
 */
final class FusedKernels {
    private static final int CHUNKS = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    private FusedKernels() {
    }

    /**
     * e^x for the FLOAT kernels: range reduction to r in [-ln2/2, ln2/2] and a degree-7 Taylor polynomial (relative
     * error below 1e-8, far under float precision); measured ~1.5x faster than Math.exp here. 0 below -700.
     */
    static double expPoly(double x) {
        if (x < -700) {
            return 0.0;
        }
        double k = Math.rint(x * 1.4426950408889634);
        double r = x - k * 0.6931471805599453;
        double p = 1 + r * (1 + r * (0.5 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
                + r * (1.0 / 5040)))))));
        return p * Double.longBitsToDouble(((long) k + 1023) << 52);
    }

    private static void checkBuffer(INDArray a) {
        if (a.offset() != 0) {
            throw new IllegalStateException("kernel buffer must start at offset 0");
        }
    }

    /** Row ranges for parallel work. */
    private static int[][] chunks(int rows) {
        int c = Math.min(CHUNKS, rows);
        int[][] r = new int[c][2];
        for (int i = 0; i < c; i++) {
            r[i][0] = (int) ((long) rows * i / c);
            r[i][1] = (int) ((long) rows * (i + 1) / c);
        }
        return r;
    }

    /**
     * v = (a + bias) * mask + residual (bias, mask, residual optional); xhat = (v - mean) * rstd;
     * out = xhat * gamma + beta. bias (of the preceding dense layer; biasOff &lt; 0 = none), gamma and beta are read
     * from {@code flat} at the given offsets.
     */
    static void layerNormForward(INDArray a, long biasOff, INDArray mask, INDArray residual, INDArray flat,
                                 long gammaOff, long betaOff, double eps, INDArray xhat, INDArray rstd, INDArray out) {
        final int rows = (int) a.size(0);
        final int d = (int) a.size(1);
        checkBuffer(a);
        checkBuffer(xhat);
        checkBuffer(rstd);
        checkBuffer(out);
        final int fo = (int) flat.offset();
        final int go = fo + (int) gammaOff;
        final int bo = fo + (int) betaOff;
        final int abo = biasOff < 0 ? -1 : fo + (int) biasOff;
        int[][] ch = chunks(rows);
        if (a.dataType() == DataType.FLOAT) {
            FloatBuffer A = a.data().asNioFloat();
            FloatBuffer M = mask == null ? null : mask.data().asNioFloat();
            FloatBuffer R = residual == null ? null : residual.data().asNioFloat();
            FloatBuffer P = flat.data().asNioFloat();
            FloatBuffer X = xhat.data().asNioFloat();
            FloatBuffer S = rstd.data().asNioFloat();
            FloatBuffer O = out.data().asNioFloat();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                for (int i = ch[c][0]; i < ch[c][1]; i++) {
                    int base = i * d;
                    float sum = 0f;
                    for (int j = 0; j < d; j++) {
                        float v = A.get(base + j);
                        if (abo >= 0) {
                            v += P.get(abo + j);
                        }
                        if (M != null) {
                            v *= M.get(base + j);
                        }
                        if (R != null) {
                            v += R.get(base + j);
                        }
                        X.put(base + j, v);
                        sum += v;
                    }
                    float mean = sum / d;
                    float sq = 0f;
                    for (int j = 0; j < d; j++) {
                        float v = X.get(base + j) - mean;
                        sq += v * v;
                    }
                    float rs = (float) (1.0 / Math.sqrt(sq / d + eps));
                    S.put(i, rs);
                    for (int j = 0; j < d; j++) {
                        float xh = (X.get(base + j) - mean) * rs;
                        X.put(base + j, xh);
                        O.put(base + j, xh * P.get(go + j) + P.get(bo + j));
                    }
                }
            });
        } else {
            DoubleBuffer A = a.data().asNioDouble();
            DoubleBuffer M = mask == null ? null : mask.data().asNioDouble();
            DoubleBuffer R = residual == null ? null : residual.data().asNioDouble();
            DoubleBuffer P = flat.data().asNioDouble();
            DoubleBuffer X = xhat.data().asNioDouble();
            DoubleBuffer S = rstd.data().asNioDouble();
            DoubleBuffer O = out.data().asNioDouble();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                for (int i = ch[c][0]; i < ch[c][1]; i++) {
                    int base = i * d;
                    double sum = 0;
                    for (int j = 0; j < d; j++) {
                        double v = A.get(base + j);
                        if (abo >= 0) {
                            v += P.get(abo + j);
                        }
                        if (M != null) {
                            v *= M.get(base + j);
                        }
                        if (R != null) {
                            v += R.get(base + j);
                        }
                        X.put(base + j, v);
                        sum += v;
                    }
                    double mean = sum / d;
                    double sq = 0;
                    for (int j = 0; j < d; j++) {
                        double v = X.get(base + j) - mean;
                        sq += v * v;
                    }
                    double rs = 1.0 / Math.sqrt(sq / d + eps);
                    S.put(i, rs);
                    for (int j = 0; j < d; j++) {
                        double xh = (X.get(base + j) - mean) * rs;
                        X.put(base + j, xh);
                        O.put(base + j, xh * P.get(go + j) + P.get(bo + j));
                    }
                }
            });
        }
    }

    /**
     * LayerNorm backward: dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * gamma;
     * dgamma += sum_rows(dy * xhat), dbeta += sum_rows(dy) (into {@code grad} at the offsets).
     * Writes dx into {@code dx}; if {@code residualOut} is given, it gets dx (the residual branch's gradient), and
     * if {@code mask} is given, {@code dx} gets dx * mask (the dropout branch's gradient). If
     * {@code dDenseBiasOff >= 0}, the column sums of that final {@code dx} (the gradient of the preceding dense layer's
     * bias) are added into {@code grad} there.
     */
    static void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray flat, long gammaOff,
                                  INDArray grad, long dGammaOff, long dBetaOff, INDArray mask, INDArray residualOut,
                                  INDArray dx, long dDenseBiasOff) {
        final int rows = (int) dy.size(0);
        final int d = (int) dy.size(1);
        checkBuffer(dy);
        checkBuffer(xhat);
        checkBuffer(dx);
        final int go = (int) (flat.offset() + gammaOff);
        int[][] ch = chunks(rows);
        if (dy.dataType() == DataType.FLOAT) {
            FloatBuffer DY = dy.data().asNioFloat();
            FloatBuffer X = xhat.data().asNioFloat();
            FloatBuffer S = rstd.data().asNioFloat();
            FloatBuffer P = flat.data().asNioFloat();
            FloatBuffer M = mask == null ? null : mask.data().asNioFloat();
            FloatBuffer RO = residualOut == null ? null : residualOut.data().asNioFloat();
            FloatBuffer DX = dx.data().asNioFloat();
            float[][] dg = new float[ch.length][d];
            float[][] db = new float[ch.length][d];
            float[][] dd = new float[ch.length][d];
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                float[] g = dg[c];
                float[] b = db[c];
                float[] bd = dd[c];
                for (int i = ch[c][0]; i < ch[c][1]; i++) {
                    int base = i * d;
                    float m1 = 0f;
                    float m2 = 0f;
                    for (int j = 0; j < d; j++) {
                        float y = DY.get(base + j);
                        float xh = X.get(base + j);
                        g[j] += y * xh;
                        b[j] += y;
                        float dxh = y * P.get(go + j);
                        m1 += dxh;
                        m2 += dxh * xh;
                    }
                    m1 /= d;
                    m2 /= d;
                    float rs = S.get(i);
                    for (int j = 0; j < d; j++) {
                        float xh = X.get(base + j);
                        float v = rs * (DY.get(base + j) * P.get(go + j) - m1 - xh * m2);
                        if (RO != null) {
                            RO.put(base + j, v);
                        }
                        float out = M == null ? v : v * M.get(base + j);
                        DX.put(base + j, out);
                        bd[j] += out;
                    }
                }
            });
            FloatBuffer G = grad.data().asNioFloat();
            int gOff = (int) (grad.offset() + dGammaOff);
            int bOff = (int) (grad.offset() + dBetaOff);
            for (int c = 0; c < ch.length; c++) {
                for (int j = 0; j < d; j++) {
                    G.put(gOff + j, G.get(gOff + j) + dg[c][j]);
                    G.put(bOff + j, G.get(bOff + j) + db[c][j]);
                    if (dDenseBiasOff >= 0) {
                        int k = (int) (grad.offset() + dDenseBiasOff) + j;
                        G.put(k, G.get(k) + dd[c][j]);
                    }
                }
            }
        } else {
            DoubleBuffer DY = dy.data().asNioDouble();
            DoubleBuffer X = xhat.data().asNioDouble();
            DoubleBuffer S = rstd.data().asNioDouble();
            DoubleBuffer P = flat.data().asNioDouble();
            DoubleBuffer M = mask == null ? null : mask.data().asNioDouble();
            DoubleBuffer RO = residualOut == null ? null : residualOut.data().asNioDouble();
            DoubleBuffer DX = dx.data().asNioDouble();
            double[][] dg = new double[ch.length][d];
            double[][] db = new double[ch.length][d];
            double[][] dd = new double[ch.length][d];
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                double[] g = dg[c];
                double[] b = db[c];
                double[] bd = dd[c];
                for (int i = ch[c][0]; i < ch[c][1]; i++) {
                    int base = i * d;
                    double m1 = 0;
                    double m2 = 0;
                    for (int j = 0; j < d; j++) {
                        double y = DY.get(base + j);
                        double xh = X.get(base + j);
                        g[j] += y * xh;
                        b[j] += y;
                        double dxh = y * P.get(go + j);
                        m1 += dxh;
                        m2 += dxh * xh;
                    }
                    m1 /= d;
                    m2 /= d;
                    double rs = S.get(i);
                    for (int j = 0; j < d; j++) {
                        double xh = X.get(base + j);
                        double v = rs * (DY.get(base + j) * P.get(go + j) - m1 - xh * m2);
                        if (RO != null) {
                            RO.put(base + j, v);
                        }
                        double out = M == null ? v : v * M.get(base + j);
                        DX.put(base + j, out);
                        bd[j] += out;
                    }
                }
            });
            DoubleBuffer G = grad.data().asNioDouble();
            int gOff = (int) (grad.offset() + dGammaOff);
            int bOff = (int) (grad.offset() + dBetaOff);
            for (int c = 0; c < ch.length; c++) {
                for (int j = 0; j < d; j++) {
                    G.put(gOff + j, G.get(gOff + j) + dg[c][j]);
                    G.put(bOff + j, G.get(bOff + j) + db[c][j]);
                    if (dDenseBiasOff >= 0) {
                        int k = (int) (grad.offset() + dDenseBiasOff) + j;
                        G.put(k, G.get(k) + dd[c][j]);
                    }
                }
            }
        }
    }

    /**
     * Given erf(h / sqrt 2) in {@code deriv}: geluU = h * (1 + erf) (= 2 GELU(h)) and
     * deriv &lt;- d(geluU)/dh = 1 + erf + h * sqrt(2/pi) * exp(-h^2/2), which is all the backward pass needs.
     */
    static void geluEpilogue(INDArray h, INDArray deriv, INDArray geluU) {
        checkBuffer(h);
        checkBuffer(deriv);
        checkBuffer(geluU);
        final int len = (int) h.length();
        final int blocks = Math.max(1, len / 4096);
        int[][] ch = chunks(blocks);
        final double k = Math.sqrt(2.0 / Math.PI);
        if (h.dataType() == DataType.FLOAT) {
            FloatBuffer H = h.data().asNioFloat();
            FloatBuffer E = deriv.data().asNioFloat();
            FloatBuffer G = geluU.data().asNioFloat();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                int from = (int) ((long) len * ch[c][0] / blocks);
                int to = (int) ((long) len * ch[c][1] / blocks);
                for (int i = from; i < to; i++) {
                    float x = H.get(i);
                    float e = 1f + E.get(i);
                    G.put(i, e * x);
                    E.put(i, e + (float) (k * x * Math.exp(-0.5 * x * x)));
                }
            });
        } else {
            DoubleBuffer H = h.data().asNioDouble();
            DoubleBuffer E = deriv.data().asNioDouble();
            DoubleBuffer G = geluU.data().asNioDouble();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                int from = (int) ((long) len * ch[c][0] / blocks);
                int to = (int) ((long) len * ch[c][1] / blocks);
                for (int i = from; i < to; i++) {
                    double x = H.get(i);
                    double e = 1.0 + E.get(i);
                    G.put(i, e * x);
                    E.put(i, e + k * x * Math.exp(-0.5 * x * x));
                }
            });
        }
    }

    /**
     * dG &lt;- dG * deriv (the saved GELU derivative), in place, for [rows, I] arrays; the column sums of the result
     * (the intermediate bias gradient) are added into {@code grad} at {@code dBiasOff}.
     */
    static void geluBackward(INDArray deriv, INDArray dG, INDArray grad, long dBiasOff) {
        checkBuffer(deriv);
        checkBuffer(dG);
        final int rows = (int) deriv.size(0);
        final int width = (int) deriv.size(1);
        int[][] ch = chunks(rows);
        final int gOff = (int) (grad.offset() + dBiasOff);
        if (deriv.dataType() == DataType.FLOAT) {
            FloatBuffer E = deriv.data().asNioFloat();
            FloatBuffer D = dG.data().asNioFloat();
            float[][] sums = new float[ch.length][width];
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                float[] sum = sums[c];
                for (int r = ch[c][0]; r < ch[c][1]; r++) {
                    int base = r * width;
                    for (int j = 0; j < width; j++) {
                        float v = D.get(base + j) * E.get(base + j);
                        D.put(base + j, v);
                        sum[j] += v;
                    }
                }
            });
            FloatBuffer G = grad.data().asNioFloat();
            for (float[] sum : sums) {
                for (int j = 0; j < width; j++) {
                    G.put(gOff + j, G.get(gOff + j) + sum[j]);
                }
            }
        } else {
            DoubleBuffer E = deriv.data().asNioDouble();
            DoubleBuffer D = dG.data().asNioDouble();
            double[][] sums = new double[ch.length][width];
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                double[] sum = sums[c];
                for (int r = ch[c][0]; r < ch[c][1]; r++) {
                    int base = r * width;
                    for (int j = 0; j < width; j++) {
                        double v = D.get(base + j) * E.get(base + j);
                        D.put(base + j, v);
                        sum[j] += v;
                    }
                }
            });
            DoubleBuffer G = grad.data().asNioDouble();
            for (double[] sum : sums) {
                for (int j = 0; j < width; j++) {
                    G.put(gOff + j, G.get(gOff + j) + sum[j]);
                }
            }
        }
    }

    /**
     * Head split: dst[p] [n, H, T, dh] = scales[p] * (src[token, part p, head] + bias[part p, head]) from src
     * [n*T, parts*H*dh] (token-major, then part, then head), with bias read from {@code flat} at {@code biasOff}
     * (&lt; 0 = none). Merge ({@code merge}): the reverse, tokens = scales[p] * heads[p], and the column sums of the merged
     * tokens (the bias gradient) are added into {@code flat} at {@code biasOff} (&lt; 0 = none).
     */
    static void permuteHeads(INDArray tokens, INDArray[] heads, int n, int t, int h, int dh, double[] scales,
                             boolean merge, INDArray flat, long biasOff) {
        checkBuffer(tokens);
        final int parts = heads.length;
        final int rowLen = parts * h * dh;
        for (INDArray a : heads) {
            checkBuffer(a);
        }
        final int bOff = biasOff < 0 ? -1 : (int) (flat.offset() + biasOff);
        if (tokens.dataType() == DataType.FLOAT) {
            FloatBuffer T = tokens.data().asNioFloat();
            FloatBuffer B = bOff < 0 ? null : flat.data().asNioFloat();
            FloatBuffer[] H = new FloatBuffer[parts];
            for (int p = 0; p < parts; p++) {
                H[p] = heads[p].data().asNioFloat();
            }
            float[][] sums = merge && B != null ? new float[n][rowLen] : null;
            IntStream.range(0, n).parallel().forEach(i -> {
                for (int p = 0; p < parts; p++) {
                    float s = (float) scales[p];
                    FloatBuffer hp = H[p];
                    for (int hh = 0; hh < h; hh++) {
                        int col = (p * h + hh) * dh;
                        for (int tt = 0; tt < t; tt++) {
                            int tok = (i * t + tt) * rowLen + col;
                            int hd = ((i * h + hh) * t + tt) * dh;
                            for (int j = 0; j < dh; j++) {
                                if (merge) {
                                    float v = s * hp.get(hd + j);
                                    T.put(tok + j, v);
                                    if (sums != null) {
                                        sums[i][col + j] += v;
                                    }
                                } else {
                                    float v = T.get(tok + j);
                                    if (B != null) {
                                        v += B.get(bOff + col + j);
                                    }
                                    hp.put(hd + j, s * v);
                                }
                            }
                        }
                    }
                }
            });
            if (sums != null) {
                for (float[] sum : sums) {
                    for (int j = 0; j < rowLen; j++) {
                        B.put(bOff + j, B.get(bOff + j) + sum[j]);
                    }
                }
            }
        } else {
            DoubleBuffer T = tokens.data().asNioDouble();
            DoubleBuffer B = bOff < 0 ? null : flat.data().asNioDouble();
            DoubleBuffer[] H = new DoubleBuffer[parts];
            for (int p = 0; p < parts; p++) {
                H[p] = heads[p].data().asNioDouble();
            }
            double[][] sums = merge && B != null ? new double[n][rowLen] : null;
            IntStream.range(0, n).parallel().forEach(i -> {
                for (int p = 0; p < parts; p++) {
                    double s = scales[p];
                    DoubleBuffer hp = H[p];
                    for (int hh = 0; hh < h; hh++) {
                        int col = (p * h + hh) * dh;
                        for (int tt = 0; tt < t; tt++) {
                            int tok = (i * t + tt) * rowLen + col;
                            int hd = ((i * h + hh) * t + tt) * dh;
                            for (int j = 0; j < dh; j++) {
                                if (merge) {
                                    double v = s * hp.get(hd + j);
                                    T.put(tok + j, v);
                                    if (sums != null) {
                                        sums[i][col + j] += v;
                                    }
                                } else {
                                    double v = T.get(tok + j);
                                    if (B != null) {
                                        v += B.get(bOff + col + j);
                                    }
                                    hp.put(hd + j, s * v);
                                }
                            }
                        }
                    }
                }
            });
            if (sums != null) {
                for (double[] sum : sums) {
                    for (int j = 0; j < rowLen; j++) {
                        B.put(bOff + j, B.get(bOff + j) + sum[j]);
                    }
                }
            }
        }
    }

    /**
     * FLOAT GELU in one pass over [rows, I], with erf for float precision (Abramowitz &amp; Stegun 7.1.26, |error| &lt;
     * 1.5e-7, about one float ulp at 1; the DOUBLE path uses ND4J's native erf): h += bias (read from {@code flat} at {@code biasOff}),
     * geluU = h * (1 + erf(h / sqrt 2)) (= 2 GELU(h)), deriv = d(geluU)/dh = 1 + erf + h sqrt(2/pi) exp(-h^2/2)
     * (the Gaussian factor is the one erf's approximation already computes).
     */
    static void geluForwardFloat(INDArray h, INDArray flat, long biasOff, INDArray deriv, INDArray geluU) {
        checkBuffer(h);
        checkBuffer(deriv);
        checkBuffer(geluU);
        final int rows = (int) h.size(0);
        final int width = (int) h.size(1);
        int[][] ch = chunks(rows);
        FloatBuffer H = h.data().asNioFloat();
        FloatBuffer E = deriv.data().asNioFloat();
        FloatBuffer G = geluU.data().asNioFloat();
        FloatBuffer B = flat.data().asNioFloat();
        final float k = (float) Math.sqrt(2.0 / Math.PI);
        final int bo = (int) (flat.offset() + biasOff);
        final float invSqrt2 = (float) (1.0 / Math.sqrt(2.0));
        IntStream.range(0, ch.length).parallel().forEach(c -> {
            for (int r = ch[c][0]; r < ch[c][1]; r++) {
                int base = r * width;
                for (int j = 0; j < width; j++) {
                    float x = H.get(base + j) + B.get(bo + j);
                    H.put(base + j, x);
                    // erf(u), u = x/sqrt2 (Abramowitz & Stegun 7.1.26); gauss = exp(-u^2) = exp(-x^2/2).
                    float au = Math.abs(x * invSqrt2);
                    float t = 1f / (1f + 0.3275911f * au);
                    float gauss = (float) expPoly(-au * au);
                    float y = 1f - (((((1.061405429f * t - 1.453152027f) * t) + 1.421413741f) * t - 0.284496736f) * t
                            + 0.254829592f) * t * gauss;
                    float e = 1f + (x < 0 ? -y : y);
                    G.put(base + j, e * x);
                    E.put(base + j, e + k * x * gauss);
                }
            }
        });
    }

    /**
     * Attention probabilities in one pass per row: scores [n*H*T, T] (in place) become softmax(scores + bias[row's
     * sample]) and, when {@code mask} is given, {@code dropped} = probs * mask.
     */
    static void maskedSoftmax(INDArray scores, INDArray bias, int heads, int t, INDArray mask, INDArray dropped) {
        checkBuffer(scores);
        checkBuffer(bias);
        final int rows = (int) scores.size(0);
        final int perSample = heads * t;
        int[][] ch = chunks(rows / t);
        if (scores.dataType() == DataType.FLOAT) {
            FloatBuffer S = scores.data().asNioFloat();
            FloatBuffer B = bias.data().asNioFloat();
            FloatBuffer M = mask == null ? null : mask.data().asNioFloat();
            FloatBuffer D = mask == null ? null : dropped.data().asNioFloat();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                for (int r = ch[c][0] * t; r < ch[c][1] * t; r++) {
                    int base = r * t;
                    int bb = (r / perSample) * t;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int k = 0; k < t; k++) {
                        float v = S.get(base + k) + B.get(bb + k);
                        S.put(base + k, v);
                        max = Math.max(max, v);
                    }
                    float sum = 0f;
                    for (int k = 0; k < t; k++) {
                        float e = (float) expPoly(S.get(base + k) - max);
                        S.put(base + k, e);
                        sum += e;
                    }
                    float inv = 1f / sum;
                    for (int k = 0; k < t; k++) {
                        float pr = S.get(base + k) * inv;
                        S.put(base + k, pr);
                        if (M != null) {
                            D.put(base + k, pr * M.get(base + k));
                        }
                    }
                }
            });
        } else {
            DoubleBuffer S = scores.data().asNioDouble();
            DoubleBuffer B = bias.data().asNioDouble();
            DoubleBuffer M = mask == null ? null : mask.data().asNioDouble();
            DoubleBuffer D = mask == null ? null : dropped.data().asNioDouble();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                for (int r = ch[c][0] * t; r < ch[c][1] * t; r++) {
                    int base = r * t;
                    int bb = (r / perSample) * t;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < t; k++) {
                        double v = S.get(base + k) + B.get(bb + k);
                        S.put(base + k, v);
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (int k = 0; k < t; k++) {
                        double e = Math.exp(S.get(base + k) - max);
                        S.put(base + k, e);
                        sum += e;
                    }
                    for (int k = 0; k < t; k++) {
                        double pr = S.get(base + k) / sum;
                        S.put(base + k, pr);
                        if (M != null) {
                            D.put(base + k, pr * M.get(base + k));
                        }
                    }
                }
            });
        }
    }

    /** Softmax backward in place: dP &lt;- P * (dP*mask - sum_k P * dP*mask) per row (mask nullable). */
    static void softmaxBackward(INDArray probs, INDArray mask, INDArray dP) {
        checkBuffer(probs);
        checkBuffer(dP);
        final int rows = (int) probs.size(0);
        final int t = (int) probs.size(1);
        int[][] ch = chunks(Math.max(1, rows / 64));
        final int blocks = Math.max(1, rows / 64);
        if (probs.dataType() == DataType.FLOAT) {
            FloatBuffer P = probs.data().asNioFloat();
            FloatBuffer M = mask == null ? null : mask.data().asNioFloat();
            FloatBuffer D = dP.data().asNioFloat();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                int from = (int) ((long) rows * ch[c][0] / blocks);
                int to = (int) ((long) rows * ch[c][1] / blocks);
                for (int r = from; r < to; r++) {
                    int base = r * t;
                    float dot = 0f;
                    for (int k = 0; k < t; k++) {
                        float g = D.get(base + k);
                        if (M != null) {
                            g *= M.get(base + k);
                            D.put(base + k, g);
                        }
                        dot += g * P.get(base + k);
                    }
                    for (int k = 0; k < t; k++) {
                        D.put(base + k, P.get(base + k) * (D.get(base + k) - dot));
                    }
                }
            });
        } else {
            DoubleBuffer P = probs.data().asNioDouble();
            DoubleBuffer M = mask == null ? null : mask.data().asNioDouble();
            DoubleBuffer D = dP.data().asNioDouble();
            IntStream.range(0, ch.length).parallel().forEach(c -> {
                int from = (int) ((long) rows * ch[c][0] / blocks);
                int to = (int) ((long) rows * ch[c][1] / blocks);
                for (int r = from; r < to; r++) {
                    int base = r * t;
                    double dot = 0;
                    for (int k = 0; k < t; k++) {
                        double g = D.get(base + k);
                        if (M != null) {
                            g *= M.get(base + k);
                            D.put(base + k, g);
                        }
                        dot += g * P.get(base + k);
                    }
                    for (int k = 0; k < t; k++) {
                        D.put(base + k, P.get(base + k) * (D.get(base + k) - dot));
                    }
                }
            });
        }
    }
}
