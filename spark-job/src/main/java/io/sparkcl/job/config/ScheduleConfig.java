package io.sparkcl.job.config;

import java.io.Serializable;


import static io.sparkcl.job.config.ConfigKey.*;

/**
 * Batches, length of the run, and what happens every N steps.
 *
 * @param keptMicroBatches micro-batches per task whose pass-1 activations pass 2 reuses (exact mode)
 * @param epochs          passes over the training data; 0 when {@code steps} is used
 * @param steps           total optimizer steps; 0 when {@code epochs} is used
 * @param seed            seed of the data order and the per-row dropout masks
 * @param evalEvery       evaluate every N steps (0 = at the end of each epoch); always at the end
 * @param evalBatch       rows per inference pass in evaluation
 * @param checkpointEvery write the "last" checkpoint every N steps (0 = only at the end)
 * @param logEvery        a progress line every N steps
 */
public record ScheduleConfig(int globalBatch, int microBatch, int keptMicroBatches, int epochs, long steps, long seed,
                             long evalEvery, int evalBatch, long checkpointEvery, long logEvery) implements Serializable {

    static ScheduleConfig from(ConfigValues r) {
        return new ScheduleConfig(r.get(GLOBAL_BATCH), r.get(MICRO_BATCH), r.get(KEPT_MICRO_BATCHES), r.get(EPOCHS, 0),
                r.get(STEPS, 0L), r.get(SEED), r.get(EVAL_EVERY), r.get(EVAL_BATCH), r.get(CHECKPOINT_EVERY),
                r.get(LOG_EVERY));
    }

    public long totalSteps(long stepsPerEpoch) {
        return steps > 0 ? steps : (long) epochs * stepsPerEpoch;
    }

    /** Whether evaluation is due after {@code done} steps (not counting the final one, which always runs). */
    public boolean evalDue(long done, long stepsPerEpoch) {
        return evalEvery > 0 ? done % evalEvery == 0 : done % stepsPerEpoch == 0;
    }

    public boolean checkpointDue(long done) {
        return checkpointEvery > 0 && done % checkpointEvery == 0;
    }
}
