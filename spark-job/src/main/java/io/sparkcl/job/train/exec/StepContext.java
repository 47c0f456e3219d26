package io.sparkcl.job.train.exec;

import io.sparkcl.job.config.ObjectiveConfig;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything a task of one training step needs besides the parameters (broadcast once per pass).
 *
 * @param batchIndices global row indices of the step's batch, in batch order
 * @param gradZ        pass 2 only: d(contrastive part)/d(pooled feature), row-major [B,d]; null for CE-only
 * @param gradTheta    pass 2, DualCL only: d(contrastive part)/d(label features), row-major [B,K,d]
 */
public record StepContext(long step, long seed, long[] batchIndices, int microBatch, int padId,
                          ObjectiveConfig objective, int hidden, int numLabels, float[] gradZ, float[] gradTheta)
        implements Serializable {

    public Map<Long, Integer> positions() {
        Map<Long, Integer> pos = new HashMap<>(batchIndices.length * 2);
        for (int i = 0; i < batchIndices.length; i++) {
            if (pos.put(batchIndices[i], i) != null) {
                throw new IllegalStateException("row " + batchIndices[i] + " appears twice in the batch of step " + step);
            }
        }
        return pos;
    }

    public int batchSize() {
        return batchIndices.length;
    }

    public StepContext withFeatureGradients(float[] gz, float[] gt) {
        return new StepContext(step, seed, batchIndices, microBatch, padId, objective, hidden, numLabels, gz, gt);
    }
}
