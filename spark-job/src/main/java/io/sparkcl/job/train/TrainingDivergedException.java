package io.sparkcl.job.train;

/** The loss or the gradient became NaN or infinite: the run stops, the last good checkpoint stays. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;

    public TrainingDivergedException(long step, String what) {
        super("training diverged at step " + (step + 1) + " (global step index " + step + "): " + what
                + "; the run stopped, the last good checkpoint is kept (lower --lr or check the data)");
        this.step = step;
    }

    public long step() {
        return step;
    }
}
