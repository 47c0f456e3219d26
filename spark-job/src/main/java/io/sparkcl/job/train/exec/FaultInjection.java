package io.sparkcl.job.train.exec;

import java.io.Serializable;

/**
 * The seam through which tests inject faults (a NaN loss, a failing task, a killed driver) into a real run;
 * production runs use {@link #NONE}. Implementations travel to the executors with the pass-2 task, so they
 * must be serializable and hold only plain values.
 */
public interface FaultInjection extends Serializable {
    FaultInjection NONE = new FaultInjection() {
    };

    /** On an executor, after a pass-2 task computed its shard's gradient and loss (which it may alter). */
    default void afterShardGradient(long step, GradientCachingStep.GradPartial shard) {
    }

    /** On the driver, after step {@code step} is complete (metrics written, due checkpoint saved). */
    default void afterStep(long step) {
    }
}
