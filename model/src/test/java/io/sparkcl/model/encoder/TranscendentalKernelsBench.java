package io.sparkcl.model.encoder;

import java.util.Arrays;
import java.util.Random;

/**
 * Microbenchmark (not a test: a main run by hand) of the two vectorised transcendental kernels against the versions
 * they replaced (main at baecee5: erf Gaussian as a degree-11 Taylor polynomial and five squaring passes; softmax exp
 * as a degree-12 Taylor polynomial and seven squarings), on one thread, old and new alternately in every round,
 * ns per element (median over rounds):
 *
 * <pre>
 * mvn -o -pl model -am -Dsparkcl.shade.phase=none -DskipTests test-compile
 * (cd model &amp;&amp; mvn -q -o dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt)
 * java -cp model/target/test-classes:model/target/classes:$(cat /tmp/cp.txt) \
 *     io.sparkcl.model.encoder.TranscendentalKernelsBench [rounds]
 * </pre>
 *
 * Rows of 1536 (MiniLM's FFN width) with N(0, 2) pre-activations, with and without the derivative; 64 x 64 blocks
 * of arguments in [-20, 0] for the exp alone; the whole masked softmax of a 64 x 64 block (N(0, 3) scores, the last
 * 8 keys padding) and its backward, per score.
 */
public final class TranscendentalKernelsBench {
    private static final int GELU_WIDTH = 1536;
    private static final int GELU_ROWS = 64;
    private static final int BLOCK = 64 * 64;
    private static final int BLOCKS = 24;
    private static final int T = 64;
    private static final float[] maskBias = new float[T];

    static {
        Arrays.fill(maskBias, T - 8, T, -1e9f);
    }

    private TranscendentalKernelsBench() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        Random random = new Random(7);
        float[][] rows = new float[GELU_ROWS][GELU_WIDTH];
        for (float[] row : rows) {
            for (int j = 0; j < GELU_WIDTH; j++) {
                row[j] = (float) (2 * random.nextGaussian());
            }
        }
        double[][] blocks = new double[BLOCKS][BLOCK];
        for (double[] b : blocks) {
            for (int j = 0; j < BLOCK; j++) {
                b[j] = -20 * random.nextDouble();
            }
        }
        float[][] scores = new float[BLOCKS][BLOCK];
        for (float[] b : scores) {
            for (int j = 0; j < BLOCK; j++) {
                b[j] = (float) (3 * random.nextGaussian());
            }
        }
        String[] names = {"gelu+deriv old", "gelu+deriv new", "gelu only old", "gelu only new", "exp old", "exp new",
            "softmax old", "softmax new", "softmax bwd old", "softmax bwd new"};
        double[][] ns = new double[names.length][rounds];
        for (int warm = 0; warm < 3; warm++) {
            for (int k = 0; k < names.length; k++) {
                time(k, rows, blocks, scores, 200);
            }
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.length; k++) {
                ns[k][r] = time(k, rows, blocks, scores, 300);
            }
        }
        for (int k = 0; k < names.length; k++) {
            double[] v = ns[k].clone();
            Arrays.sort(v);
            System.out.printf("%-16s median %.3f ns/element (min %.3f, max %.3f)%n", names[k], v[v.length / 2], v[0],
                    v[v.length - 1]);
        }
    }

    private static double time(int kernel, float[][] rows, double[][] blocks, float[][] scores, int reps) {
        float[] g = new float[GELU_WIDTH];
        float[] d = new float[GELU_WIDTH];
        FastGelu.Scratch scratch = new FastGelu.Scratch(GELU_WIDTH);
        float[] s = new float[GELU_WIDTH];
        float[] gauss = new float[GELU_WIDTH];
        double[] ex = new double[BLOCK];
        float[] v = new float[BLOCK];
        long elements = 0;
        long t0 = System.nanoTime();
        for (int rep = 0; rep < reps; rep++) {
            if (kernel < 4) {
                for (float[] row : rows) {
                    float[] deriv = kernel < 2 ? d : null;
                    if (kernel % 2 == 0) {
                        previousGelu(row, GELU_WIDTH, g, deriv, s, gauss);
                    } else {
                        FastGelu.apply(row, GELU_WIDTH, g, deriv, scratch);
                    }
                    elements += GELU_WIDTH;
                }
            } else if (kernel < 6) {
                for (double[] b : blocks) {
                    System.arraycopy(b, 0, ex, 0, BLOCK);
                    if (kernel == 4) {
                        previousExp(ex, BLOCK);
                    } else {
                        VectorExp.expInPlace(ex, BLOCK);
                    }
                    elements += BLOCK;
                }
            } else {
                for (float[] b : scores) {
                    System.arraycopy(b, 0, v, 0, BLOCK);
                    switch (kernel) {
                        case 6 -> previousSoftmax(v, ex, maskBias, T);
                        case 7 -> FusedKernels.softmaxBlock(v, ex, maskBias, T);
                        case 8 -> previousSoftmaxBackward(v, b, T);
                        default -> FusedKernels.softmaxBackwardBlock(v, b, T);
                    }
                    elements += BLOCK;
                }
            }
        }
        return (System.nanoTime() - t0) / (double) elements;
    }

    /** FastGelu.apply as of baecee5 (the reference this benchmark compares against). */
    private static void previousGelu(float[] x, int len, float[] geluU, float[] deriv, float[] s, float[] g) {
        for (int j = 0; j < len; j++) {
            float u = Math.min(Math.abs(x[j] * (float) (1.0 / Math.sqrt(2.0))), 5.5f);
            s[j] = 1f / (1f + 0.3275911f * u);
            g[j] = u * u * (-1f / 32f);
        }
        for (int j = 0; j < len; j++) {
            float w = g[j];
            g[j] = 1f + w * (1f + w * (1f / 2 + w * (1f / 6 + w * (1f / 24 + w * (1f / 120 + w * (1f / 720
                    + w * (1f / 5040 + w * (1f / 40320 + w * (1f / 362880 + w * (1f / 3628800f
                    + w * (1f / 39916800f)))))))))));
        }
        for (int pass = 0; pass < 5; pass++) {
            for (int j = 0; j < len; j++) {
                g[j] *= g[j];
            }
        }
        for (int j = 0; j < len; j++) {
            float t = s[j];
            s[j] = 1f - ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t
                    + 0.254829592f) * t * g[j];
        }
        for (int j = 0; j < len; j++) {
            float v = x[j];
            float e = 1f + v / (Math.abs(v) + 1e-30f) * s[j];
            geluU[j] = e * v;
            s[j] = e;
        }
        if (deriv != null) {
            for (int j = 0; j < len; j++) {
                deriv[j] = s[j] + (float) Math.sqrt(2.0 / Math.PI) * x[j] * g[j];
            }
        }
    }

    /** VectorExp.expInPlace as of baecee5, without its clamp offset (the same work). */
    private static void previousExp(double[] x, int len) {
        for (int j = 0; j < len; j++) {
            double w = Math.max(x[j], -80.0) * (1.0 / 128);
            x[j] = 1 + w * (1 + w * (1.0 / 2 + w * (1.0 / 6 + w * (1.0 / 24 + w * (1.0 / 120 + w * (1.0 / 720
                    + w * (1.0 / 5040 + w * (1.0 / 40320 + w * (1.0 / 362880 + w * (1.0 / 3628800
                    + w * (1.0 / 39916800 + w * (1.0 / 479001600))))))))))));
        }
        for (int j = 0; j < len; j++) {
            double e = x[j];
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            x[j] = e * e;
        }
        for (int j = 0; j < len; j++) {
            x[j] = Math.max(x[j] - 1.8e-35, 0.0);
        }
    }

    /** FusedKernels.softmaxBlock as of baecee5 (with the previous exp). */
    private static void previousSoftmax(float[] v, double[] ex, float[] bias, int t) {
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
        previousExp(ex, tt);
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

    /** The softmax backward rows of FusedKernels.attentionBackward as of baecee5. */
    private static void previousSoftmaxBackward(float[] g, float[] pr, int t) {
        for (int r = 0; r < t * t; r += t) {
            float dot = 0f;
            for (int k = r; k < r + t; k++) {
                dot += g[k] * pr[k];
            }
            for (int k = r; k < r + t; k++) {
                g[k] = pr[k] * (g[k] - dot);
            }
        }
    }
}
