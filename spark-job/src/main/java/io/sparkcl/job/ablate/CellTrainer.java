package io.sparkcl.job.ablate;

import io.sparkcl.job.config.TrainConfig;

/**
 * How an ablation trains one cell: in production {@code sparkcl train}'s entry point on the ablation's one
 * SparkSession; a test can wrap it (e.g. to stop the ablation after some cells).
 */
@FunctionalInterface
public interface CellTrainer {
    /** Trains into {@code config.output()}; a finished run leaves its {@code summary.json} there. */
    void train(TrainConfig config);
}
