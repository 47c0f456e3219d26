package io.sparkcl.model;

import io.sparkcl.losses.DualClassifierLoss;
import io.sparkcl.losses.Method;
import io.sparkcl.model.encoder.ForwardState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;

/**
 * How a fine-tuned encoder scores the classes: the one place that turns a forward pass into logits and
 * probabilities, for training-time evaluation, {@code evaluate}, {@code predict} and {@link FineTunedModel}.
 * <ul>
 *   <li>{@link #LINEAR}: {@code pooled W^T + b} (CE and SCL);</li>
 *   <li>{@link #DUALCL}: Chen et al.'s label-aware classifier {@code logit_ik = z_i · θ_i^k} (z = pooled feature,
 *       θ_i^k = feature of label k's tokens in row i's label-aware input); the product is the losses module's
 *       {@link DualClassifierLoss#logits}, so training and inference share one formula.</li>
 * </ul>
 */
public enum ClassifierHead {
    LINEAR,
    DUALCL;

    /** The head a training method fine-tunes: DualCL's label-aware classifier, else the linear head. */
    public static ClassifierHead of(Method method) {
        return method == Method.DUALCL ? DUALCL : LINEAR;
    }

    /** "linear" / "dualcl", case-insensitive. */
    public static ClassifierHead parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    /** Whether inputs carry the label names in front of the text ({@code [CLS] l_1 … l_K [SEP] text [SEP]}). */
    public boolean labelAwareInput() {
        return this == DUALCL;
    }

    /** Logits [n, K] of a forward pass. */
    public INDArray logits(ForwardState state) {
        if (this == DUALCL) {
            if (state.labelFeatures() == null) {
                throw new IllegalArgumentException("DualCL scores need a batch with label positions");
            }
            return DualClassifierLoss.logits(state.pooled(), state.labelFeatures());
        }
        if (state.logits() == null) {
            throw new IllegalArgumentException("The model has no classification head (numLabels 0)");
        }
        return state.logits();
    }

    /** Class probabilities [n][K] of a forward pass (softmax of {@link #logits}). */
    public float[][] probabilities(ForwardState state) {
        return softmax(logits(state));
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

    /** Index of the largest probability (the first on ties). */
    public static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Lower-case name as written in a model folder's config.json. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
