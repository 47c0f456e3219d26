package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads;
import static org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused path's GEMM, cut into row bands over the fork-join pool ({@link SplitGemm}), against a float64 reference
 * for every transpose combination and with accumulation (beta = 1), on a shape large enough to be split and with a
 * row count that does not divide evenly; and OpenBLAS's thread count is back to its value afterwards.
 */
class SplitGemmTest {
    private static final int M = 301;
    private static final int N = 130;
    private static final int K = 150;

    @Test
    void bandsGiveTheWholeProductForEveryTransposeAndRestoreTheThreadCount() {
        int threadsBefore = blas_get_num_threads();
        blas_set_num_threads(2); // two bands even on a one-core runner
        try {
            Random rnd = new Random(7);
            FusedKernels kernels = new FusedKernels();
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    INDArray a = gaussian(rnd, ta ? K : M, ta ? M : K);
                    INDArray b = gaussian(rnd, tb ? N : K, tb ? K : N);
                    INDArray c = gaussian(rnd, M, N);
                    double[][] expected = reference(a, b, c, ta, tb, 0.5, 1.0);
                    kernels.gemm(a, b, c, ta, tb, 0.5, 1.0);
                    double worst = 0;
                    for (int i = 0; i < M; i++) {
                        for (int j = 0; j < N; j++) {
                            worst = Math.max(worst, Math.abs(c.getDouble(i, j) - expected[i][j])
                                    / Math.max(1.0, Math.abs(expected[i][j])));
                        }
                    }
                    assertTrue(worst < 1e-5, "ta=" + ta + " tb=" + tb + ": max relative error " + worst);
                }
            }
            assertEquals(2, blas_get_num_threads(), "OpenBLAS's thread count after the split calls");
        } finally {
            blas_set_num_threads(threadsBefore);
        }
    }

    private static INDArray gaussian(Random rnd, int rows, int cols) {
        INDArray x = Nd4j.create(DataType.FLOAT, rows, cols);
        for (long i = 0; i < x.length(); i++) {
            x.putScalar(i, rnd.nextGaussian());
        }
        return x;
    }

    /** alpha op(a) op(b) + beta c in float64. */
    private static double[][] reference(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha,
                                        double beta) {
        double[][] x = a.toDoubleMatrix();
        double[][] y = b.toDoubleMatrix();
        double[][] r = c.toDoubleMatrix();
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (int p = 0; p < K; p++) {
                    s += (ta ? x[p][i] : x[i][p]) * (tb ? y[j][p] : y[p][j]);
                }
                r[i][j] = alpha * s + beta * r[i][j];
            }
        }
        return r;
    }
}
