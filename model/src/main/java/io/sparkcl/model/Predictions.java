package io.sparkcl.model;

import java.util.List;

/**
 * Inference results, one row per input text, in input order.
 *
 * @param probabilities [n][K] class probabilities (softmax of the logits), classes in {@link #labels()} order
 * @param features      [n][d] pooled features (the encoder's pooled output; for DualCL the [CLS] feature z)
 * @param labels        the class names
 */
public record Predictions(float[][] probabilities, float[][] features, List<String> labels) {

    public int size() {
        return probabilities.length;
    }

    /** Index of the most probable class of row {@code i} (the first one on ties). */
    public int predictedIndex(int i) {
        float[] p = probabilities[i];
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    public String predictedLabel(int i) {
        return labels.get(predictedIndex(i));
    }

    /** Most probable class index of every row. */
    public int[] predictedIndices() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = predictedIndex(i);
        }
        return out;
    }
}
