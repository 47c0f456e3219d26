package io.sparkcl.job.shared;

import io.sparkcl.model.optim.LearningRateSchedule;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The project's learning-rate schedule ({@link LearningRateSchedule}: linear warm-up, then linear decay) as
 * DL4J's {@link ISchedule}, indexed by DL4J's iteration count. Plain fields: DL4J ships it as JSON.
 */
public final class WarmupLinearSchedule implements ISchedule {
    private double peak;
    private long warmupSteps;
    private long totalSteps;

    /** For Jackson. */
    private WarmupLinearSchedule() {
    }

    public WarmupLinearSchedule(LearningRateSchedule schedule) {
        this.peak = schedule.peak();
        this.warmupSteps = schedule.warmupSteps();
        this.totalSteps = schedule.totalSteps();
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return new LearningRateSchedule(peak, warmupSteps, totalSteps).at(iteration);
    }

    @Override
    public ISchedule clone() {
        return new WarmupLinearSchedule(new LearningRateSchedule(peak, warmupSteps, totalSteps));
    }
}
