package io.sparkcl.job.train;

/**
 * A training mode ({@code --mode}): exact global-batch training ({@link ExactTrainer}) or another way of
 * turning a {@link TrainingRun} into trained parameters. What modes share is not theirs to redo: the run
 * folder and summary ({@link TrainJob}), evaluation ({@link RunEvaluation}), checkpoints and
 * {@code --resume} ({@link RunCheckpoints}), the per-step metrics ({@link StepLog}).
 */
public interface Trainer {
    /** The mode's name, written to {@code trainer.json} and the model's training config. */
    String mode();

    /**
     * Trains from {@code run.start()} (or the run folder's last checkpoint with {@code --resume}) for the
     * configured steps; evaluates and checkpoints on schedule; always evaluates and checkpoints at the end.
     *
     * @throws TrainingDivergedException when the loss or gradient stops being finite
     */
    TrainResult train(TrainingRun run);
}
