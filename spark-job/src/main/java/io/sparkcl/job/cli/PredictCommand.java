package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.PredictConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict with a fine-tuned model on a dataset split or any file; writes one row per input "
                + "(id, text, predicted label, class probabilities) as Parquet or CSV."})
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Configuration hadoop = ProcessUmask.applyTo(new Configuration());
        PredictConfig config = PredictConfig.from(
                ConfigOptions.collect(spec.commandLine().getParseResult(), ConfigKey.Scope.PREDICT, hadoop));
        // the input is checked before validation creates the output folder
        Preflight.inference(ConfigKey.INPUT, config.input(), config.dataset(), config.dataDir(), hadoop);
        config.validate(DatasetCatalog.registry(), hadoop);
        try (SparkSession spark = SparkSessions.create("sparkcl predict", config.master())) {
            Jobs.predict(config, spark);
        }
        return 0;
    }
}
