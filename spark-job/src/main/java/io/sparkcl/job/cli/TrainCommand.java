package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ResumeCheck;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.report.RunFolderLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune an encoder with ce, scl or dualcl on exact global batches over Spark.",
                "Writes the run folder (--output): config.yaml, metrics.jsonl, eval.jsonl, checkpoints, the "
                        + "final model and summary.json."})
public final class TrainCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--print-config", description = "Print the resolved configuration as YAML and exit "
            + "(nothing is validated against the file system and no Spark work starts).")
    boolean printConfig;

    private final CliContext ctx;

    public TrainCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Configuration hadoop = ProcessUmask.applyTo(new Configuration());
        ConfigValues values = ConfigOptions.collect(spec.commandLine().getParseResult(), ConfigKey.Scope.TRAIN, hadoop);
        TrainConfig config = TrainConfig.from(values);
        if (printConfig) {
            config.validateValues(DatasetCatalog.registry());
            ctx.out().print(config.toYaml());
            return 0;
        }
        // Everything knowable before Spark, before the run folder is created or locked.
        config.validateValues(DatasetCatalog.registry());
        Preflight.train(config, hadoop);
        // One run per folder; the lock is held until the job ends (and released on SIGTERM).
        try (RunFolderLock lock = lock(config.run().output(), hadoop)) {
            config.validate(DatasetCatalog.registry(), hadoop);
            if (config.run().resume()) {
                ResumeCheck.check(config.run().output(), config.toMap(), hadoop);
            }
            LOG.info("train {} on {} with {} (λ={}, τ={}), global batch {}, run folder {}", config.model().model(),
                    config.data().dataset(), config.objective().method().id(), config.objective().lambda(),
                    config.objective().tau(), config.schedule().globalBatch(), config.run().output());
            try (SparkSession spark = SparkSessions.create("sparkcl train " + config.data().dataset() + " "
                    + config.objective().method().id(), config.run().master())) {
                Jobs.train(config, spark);
            }
        }
        return 0;
    }

    private static RunFolderLock lock(String output, Configuration hadoop) {
        try {
            return RunFolderLock.acquire(output, hadoop);
        } catch (java.io.UncheckedIOException e) {
            throw new ConfigException(ConfigKey.OUTPUT.optionName(), "'" + output + "' is not writable: "
                    + e.getCause().getMessage(), e);
        }
    }
}
