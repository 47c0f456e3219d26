package io.sparkcl.job.train;

/** What a checkpoint saves of a trainer and restores on {@code --resume}: parameters and optimizer state. */
public interface Checkpointable {
    /** A copy of the current flat parameters. */
    float[] params();

    /** The optimizer's state as opaque bytes. */
    byte[] saveState();

    void restore(float[] params, byte[] optimizerState);
}
