package io.sparkcl.job.cli;

import io.sparkcl.job.config.EvaluateConfig;
import io.sparkcl.job.config.PredictConfig;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.TrainJob;
import org.apache.spark.sql.SparkSession;

/**
 * The trainer's entry points (package io.sparkcl.job.train), as the CLI calls them. Evaluate and predict are
 * looked up reflectively while the trainer package does not provide them yet.
 */
final class Jobs {
    private Jobs() {
    }

    static Object train(TrainConfig config, SparkSession spark) {
        return TrainJob.run(config, spark);
    }

    static Object evaluate(EvaluateConfig config, SparkSession spark) {
        return OptionalApi.invokeStatic("io.sparkcl.job.train.EvaluateJob", "run",
                new Class<?>[]{EvaluateConfig.class, SparkSession.class}, config, spark);
    }

    static Object predict(PredictConfig config, SparkSession spark) {
        return OptionalApi.invokeStatic("io.sparkcl.job.train.PredictJob", "run",
                new Class<?>[]{PredictConfig.class, SparkSession.class}, config, spark);
    }
}
