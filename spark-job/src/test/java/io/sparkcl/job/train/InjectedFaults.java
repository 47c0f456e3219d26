package io.sparkcl.job.train;

import io.sparkcl.job.train.exec.GradientCachingStep;
import io.sparkcl.job.train.exec.FaultInjection;
import org.apache.spark.TaskContext;

/**
 * Faults for the trainer tests, injected through the production seam {@link FaultInjection}.
 *
 * @param nanAtStep      the loss computed on the executors at this global step is NaN (-1 = off)
 * @param failTaskAtStep the first attempt of partition 0's pass-2 task of this global step fails after
 *                       computing (as if its executor died), so Spark retries it (-1 = off)
 * @param stopAfterStep  the driver stops (as if killed) after this global step is done (-1 = off)
 */
record InjectedFaults(long nanAtStep, long failTaskAtStep, long stopAfterStep) implements FaultInjection {

    static InjectedFaults nanAt(long step) {
        return new InjectedFaults(step, -1, -1);
    }

    static InjectedFaults failTaskAt(long step) {
        return new InjectedFaults(-1, step, -1);
    }

    static InjectedFaults stopAfter(long step) {
        return new InjectedFaults(-1, -1, step);
    }

    @Override
    public void afterShardGradient(long step, GradientCachingStep.GradPartial shard) {
        if (step == nanAtStep) {
            shard.ceLoss = Double.NaN;
        }
        TaskContext task = TaskContext.get();
        if (step == failTaskAtStep && task != null && task.partitionId() == 0 && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of a pass-2 task at step " + step
                    + " (test hook): Spark retries it");
        }
    }

    @Override
    public void afterStep(long step) {
        if (step == stopAfterStep) {
            throw new TrainingStoppedException(step);
        }
    }
}
