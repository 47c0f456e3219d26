package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.EvaluateConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a fine-tuned model (a run's model/ folder) on a split: accuracy, macro-F1 and "
                + "per-class precision/recall/F1, computed on the executors."})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Configuration hadoop = ProcessUmask.applyTo(new Configuration());
        EvaluateConfig config = EvaluateConfig.from(
                ConfigOptions.collect(spec.commandLine().getParseResult(), ConfigKey.Scope.EVALUATE, hadoop));
        // the input is checked before validation creates the output folder
        Preflight.inference(config.testFile() != null ? ConfigKey.TEST_FILE : ConfigKey.DEV_FILE, config.userFile(),
                config.dataset(), config.dataDir(), hadoop);
        config.validate(DatasetCatalog.registry(), hadoop);
        try (SparkSession spark = SparkSessions.create("sparkcl evaluate", config.master())) {
            Jobs.evaluate(config, spark);
        }
        return 0;
    }
}
