package io.sparkcl.job.train;

/** Thrown by the {@code stopAfterStep} test hook: simulates a run killed right after a checkpoint. */
public final class TrainingStoppedException extends RuntimeException {
    public TrainingStoppedException(long step) {
        super("run stopped on request after step " + (step + 1));
    }
}
