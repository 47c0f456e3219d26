package io.sparkcl.job.train.ckpt;

import java.util.Map;

/**
 * Everything needed to continue a run exactly: parameters, optimizer state, and the position in the data
 * order. The data order and dropout masks are pure functions of (seed, step), so (seed, nextStep) is the
 * whole RNG state; the epoch and position within it are stored too for humans and for a consistency check.
 *
 * @param nextStep       the first global step not yet applied
 * @param epoch          epoch of {@code nextStep}
 * @param stepInEpoch    its position in the epoch order (batch number within the epoch)
 * @param optimizerState opaque bytes from the optimizer (AdamW moments and step count)
 * @param bestMetric     best selection metric so far (-1 = none yet), for keeping the "best" checkpoint
 */
public record TrainingState(long nextStep, int epoch, long stepInEpoch, long seed, float[] params,
                            byte[] optimizerState, double bestMetric, Map<String, Object> info) {
}
