package io.sparkcl.model.optim;

import java.io.Serializable;

/**
 * Linear warm-up from 0 to {@code peak} over {@code warmupSteps}, then linear decay to 0 at {@code totalSteps}
 * (HuggingFace's {@code get_linear_schedule_with_warmup}). {@code step} is the number of optimizer updates already
 * made (0 for the first update).
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) implements Serializable {

    public LearningRateSchedule {
        if (!(peak >= 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + peak);
        }
        if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("schedule needs 0 <= warmupSteps (" + warmupSteps + ") <= totalSteps ("
                    + totalSteps + ") and totalSteps > 0");
        }
    }

    /** Warm-up over a fraction (e.g. 0.1) of the total steps. */
    public static LearningRateSchedule withWarmupRatio(double peak, double warmupRatio, long totalSteps) {
        if (warmupRatio < 0 || warmupRatio > 1) {
            throw new IllegalArgumentException("warm-up ratio must be in [0,1], got " + warmupRatio);
        }
        return new LearningRateSchedule(peak, (long) Math.ceil(warmupRatio * totalSteps), totalSteps);
    }

    /** A constant rate (no warm-up, no decay). */
    public static LearningRateSchedule constant(double lr) {
        return new LearningRateSchedule(lr, 0, Long.MAX_VALUE);
    }

    /** The learning rate for the update made after {@code step} earlier updates. */
    public double at(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (totalSteps == Long.MAX_VALUE && warmupSteps == 0) {
            return peak;
        }
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        double remaining = (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps);
        return peak * Math.max(0.0, remaining);
    }
}
