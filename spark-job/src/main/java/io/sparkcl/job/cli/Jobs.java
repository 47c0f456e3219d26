package io.sparkcl.job.cli;

import io.sparkcl.job.config.EvaluateConfig;
import io.sparkcl.job.config.PredictConfig;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.EvaluateJob;
import io.sparkcl.job.train.PredictJob;
import io.sparkcl.job.train.TrainJob;
import org.apache.spark.sql.SparkSession;

/** The trainer's entry points (package io.sparkcl.job.train), as the CLI calls them; each prints its results. */
final class Jobs {
    private Jobs() {
    }

    static void train(TrainConfig config, SparkSession spark) {
        TrainJob.run(config, spark);
    }

    static void evaluate(EvaluateConfig config, SparkSession spark) {
        EvaluateJob.run(config, spark);
    }

    static void predict(PredictConfig config, SparkSession spark) {
        PredictJob.run(config, spark);
    }
}
