package io.sparkcl.job.config;

import io.sparkcl.model.optim.LearningRateSchedule;

import java.io.Serializable;


import static io.sparkcl.job.config.ConfigKey.*;

/**
 * AdamW with global-norm clipping and a linear warm-up / linear decay schedule, or a constant rate.
 *
 * @param warmup           a fraction of the total steps when in (0,1), else a number of steps (linear schedule)
 * @param maxGradNorm      clip the global gradient norm to this (0 = no clipping)
 * @param freezeEmbeddings keep the word-embedding matrix fixed
 * @param constantLr       {@code --lr-schedule constant}: {@code lr} at every step
 */
public record OptimConfig(double lr, double warmup, double weightDecay, double maxGradNorm,
                          boolean freezeEmbeddings, boolean constantLr) implements Serializable {

    static OptimConfig from(ConfigValues r) {
        return new OptimConfig(r.get(LR), r.get(WARMUP), r.get(WEIGHT_DECAY), r.get(MAX_GRAD_NORM),
                r.get(FREEZE_EMBEDDINGS), "constant".equalsIgnoreCase(r.<String>get(LR_SCHEDULE).trim()));
    }

    /** The learning rate of every update of a run of {@code totalSteps} ({@code --lr-schedule}). */
    public LearningRateSchedule schedule(long totalSteps) {
        return constantLr ? LearningRateSchedule.constant(lr)
                : new LearningRateSchedule(lr, warmupSteps(totalSteps), totalSteps);
    }

    /** Warm-up steps out of {@code totalSteps}. */
    public long warmupSteps(long totalSteps) {
        return warmup > 0 && warmup < 1 ? (long) Math.ceil(warmup * totalSteps) : Math.min(totalSteps, (long) warmup);
    }
}
