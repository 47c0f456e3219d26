package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused LayerNorm forward (bias + dropout mask + residual, then the row statistics in partial sums) against a
 * float64 loop, with and without saving xhat and 1/sigma (training and inference), for widths with and without a
 * tail after the eight-wide partial sums.
 */
class FusedLayerNormTest {
    @Test
    void matchesFloat64ReferenceAndInferenceWritesTheSameOutput() {
        for (int d : new int[]{384, 45, 7}) {
            int rows = 37;
            Random rnd = new Random(d);
            float[] a = gaussian(rnd, rows * d, 3.0, 0.5);
            float[] residual = gaussian(rnd, rows * d, 1.0, -0.25);
            float[] bias = gaussian(rnd, d, 0.5, 0.0);
            float[] gamma = gaussian(rnd, d, 0.3, 1.0);
            float[] beta = gaussian(rnd, d, 0.2, 0.0);
            float[] mask = new float[rows * d];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = rnd.nextDouble() < 0.1 ? 0f : (float) (1.0 / 0.9);
            }
            double eps = 1e-12;
            FusedKernels k = new FusedKernels();
            INDArray xhat = Nd4j.create(DataType.FLOAT, rows, d);
            INDArray rstd = Nd4j.create(DataType.FLOAT, rows);
            INDArray out = Nd4j.create(DataType.FLOAT, rows, d);
            k.layerNormForward(m(a, rows, d), v(bias), DropoutMask.stored(m(mask, rows, d)), m(residual, rows, d), v(gamma), v(beta), eps,
                    xhat, rstd, out);
            INDArray outInference = Nd4j.create(DataType.FLOAT, rows, d);
            k.layerNormForward(m(a, rows, d), v(bias), DropoutMask.stored(m(mask, rows, d)), m(residual, rows, d), v(gamma), v(beta), eps,
                    null, null, outInference);
            assertArrayEquals(out.data().asFloat(), outInference.data().asFloat(),
                    "inference (nothing saved) must write the same output, d=" + d);

            for (int r = 0; r < rows; r++) {
                double[] x = new double[d];
                double mean = 0;
                for (int j = 0; j < d; j++) {
                    x[j] = ((double) a[r * d + j] + bias[j]) * mask[r * d + j] + residual[r * d + j];
                    mean += x[j];
                }
                mean /= d;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    var += (x[j] - mean) * (x[j] - mean);
                }
                double rs = 1.0 / Math.sqrt(var / d + eps);
                assertTrue(Math.abs(rstd.getDouble(r) - rs) <= 2e-6 * rs, "rstd row " + r + ", d=" + d);
                for (int j = 0; j < d; j++) {
                    double xh = (x[j] - mean) * rs;
                    double y = xh * gamma[j] + beta[j];
                    assertTrue(Math.abs(xhat.getDouble(r, j) - xh) <= 2e-6 * Math.max(1, Math.abs(xh)),
                            "xhat (" + r + "," + j + "), d=" + d + ": " + xhat.getDouble(r, j) + " vs " + xh);
                    assertTrue(Math.abs(out.getDouble(r, j) - y) <= 2e-6 * Math.max(1, Math.abs(y)),
                            "out (" + r + "," + j + "), d=" + d + ": " + out.getDouble(r, j) + " vs " + y);
                }
            }
        }
    }

    private static float[] gaussian(Random rnd, int n, double scale, double shift) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (shift + scale * rnd.nextGaussian());
        }
        return x;
    }

    private static INDArray m(float[] x, int rows, int d) {
        return Nd4j.createFromArray(x).reshape(rows, d);
    }

    private static INDArray v(float[] x) {
        return Nd4j.createFromArray(x);
    }
}
