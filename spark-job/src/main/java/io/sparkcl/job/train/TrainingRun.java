package io.sparkcl.job.train;

import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.exec.FaultInjection;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.report.RunFolder;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What a {@link Trainer} is given: the configuration, the cached data, the starting model and the run folder.
 *
 * @param faults test seam ({@link FaultInjection#NONE} in production)
 */
public record TrainingRun(JavaSparkContext jsc, TrainConfig config, TrainingData data, ModelStart start,
                          RunFolder folder, FaultInjection faults) {

    public TrainingRun(JavaSparkContext jsc, TrainConfig config, TrainingData data, ModelStart start) {
        this(jsc, config, data, start, new RunFolder(config.run().output(), jsc.hadoopConfiguration()),
                FaultInjection.NONE);
    }

    /** The executors' view of the model: architecture, labels, head and pooling. */
    public ModelSpec spec() {
        return new ModelSpec(start.config(), start.numLabels(), config.model().head(), config.model().pooling());
    }
}
