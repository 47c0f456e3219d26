package io.sparkcl.job.shared;

import io.sparkcl.model.optim.LearningRateSchedule;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The project's learning-rate schedule ({@link LearningRateSchedule}: linear warm-up, then linear decay) as
 * DL4J's {@link ISchedule}. Plain fields: DL4J ships it as JSON.
 *
 * <p>It is indexed by the step the encoder layer is training ({@link #trainingStep}), not by DL4J's iteration
 * count: on a cluster, DL4J's SharedTrainingWrapper resets the executor model's iteration count to the parameter
 * server's start position (0) at every partition it trains, so the warm-up would never end (learning rate 0).
 * The layer sets the step on its thread just before DL4J's updater asks for the learning rate.
 */
public final class WarmupLinearSchedule implements ISchedule {
    private static final ThreadLocal<Long> STEP = new ThreadLocal<>();
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

    /** Called by the encoder layer in its backward pass: the step whose update DL4J computes next on this thread. */
    static void trainingStep(long step) {
        STEP.set(step);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        Long step = STEP.get();
        return new LearningRateSchedule(peak, warmupSteps, totalSteps).at(step != null ? step : iteration);
    }

    @Override
    public ISchedule clone() {
        return new WarmupLinearSchedule(new LearningRateSchedule(peak, warmupSteps, totalSteps));
    }
}
