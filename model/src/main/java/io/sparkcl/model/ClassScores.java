package io.sparkcl.model;

import io.sparkcl.model.encoder.ForwardState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Class logits of a forward pass: the linear head ({@code pooled W^T + b}, CE and SCL) or DualCL's
 * label-aware classifier {@code logit_ik = z_i · θ_i^k} (z = pooled feature, θ_i^k = feature of label k's
 * tokens in row i's input), and their softmax.
 */
public final class ClassScores {

    private ClassScores() {
    }

    /** Logits [n, K] of a forward state; {@code dualCl} selects the label-aware classifier. */
    public static INDArray logits(ForwardState state, boolean dualCl) {
        if (dualCl) {
            INDArray theta = state.labelFeatures();
            if (theta == null) {
                throw new IllegalArgumentException("DualCL scores need a batch with label positions");
            }
            INDArray z = state.pooled();
            long n = z.size(0);
            long d = z.size(1);
            // batched [n,K,d] x [n,d,1] -> [n,K,1]
            return Nd4j.matmul(theta, z.reshape('c', n, d, 1)).reshape('c', n, theta.size(1));
        }
        INDArray logits = state.logits();
        if (logits == null) {
            throw new IllegalArgumentException("The model has no classification head (numLabels 0)");
        }
        return logits;
    }

    /** Row-wise softmax in float64 (stable), returned as float[n][K]. */
    public static float[][] softmax(INDArray logits) {
        double[][] l = logits.castTo(DataType.DOUBLE).toDoubleMatrix();
        float[][] p = new float[l.length][];
        for (int i = 0; i < l.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : l[i]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            double[] e = new double[l[i].length];
            for (int k = 0; k < e.length; k++) {
                e[k] = Math.exp(l[i][k] - max);
                sum += e[k];
            }
            p[i] = new float[e.length];
            for (int k = 0; k < e.length; k++) {
                p[i][k] = (float) (e[k] / sum);
            }
        }
        return p;
    }

    static float[][] toFloatMatrix(INDArray a) {
        if (a.rank() != 2) {
            throw new IllegalArgumentException("expected a matrix, got shape " + java.util.Arrays.toString(a.shape()));
        }
        return a.castTo(DataType.FLOAT).toFloatMatrix();
    }
}
