package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.EvaluateConfig;
import io.sparkcl.job.config.InferenceInput;
import io.sparkcl.job.config.InferenceJobConfig;
import io.sparkcl.job.config.PredictConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The evaluate and predict commands, which differ only in their scope, configuration, job and description: the
 * options of their scope → the typed configuration → the input checked → validation (which may create the output
 * folder) → Spark → the job.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class InferenceCommand<C extends InferenceJobConfig> implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final ConfigKey.Scope scope;
    private final Function<ConfigValues, C> config;
    private final BiConsumer<C, SparkSession> job;

    private InferenceCommand(ConfigKey.Scope scope, Function<ConfigValues, C> config, BiConsumer<C, SparkSession> job) {
        this.scope = scope;
        this.config = config;
        this.job = job;
    }

    /** {@code sparkcl evaluate}. */
    static CommandLine evaluate() {
        return command(new InferenceCommand<>(ConfigKey.Scope.EVALUATE, EvaluateConfig::from, Jobs::evaluate),
                "Evaluate a fine-tuned model (a run's model/ folder) on a split: accuracy, macro-F1 and "
                        + "per-class precision/recall/F1, computed on the executors.");
    }

    /** {@code sparkcl predict}. */
    static CommandLine predict() {
        return command(new InferenceCommand<>(ConfigKey.Scope.PREDICT, PredictConfig::from, Jobs::predict),
                "Predict with a fine-tuned model on a dataset split or any file; writes one row per input "
                        + "(id, text, predicted label, class probabilities) as Parquet or CSV.");
    }

    /** The command named after its scope, with the options of that scope. */
    private static CommandLine command(InferenceCommand<?> command, String description) {
        CommandLine cl = new CommandLine(command);
        cl.getCommandSpec().name(command.scope.name().toLowerCase(Locale.ROOT)).usageMessage().description(description);
        ConfigOptions.addTo(cl.getCommandSpec(), command.scope);
        return cl;
    }

    @Override
    public Integer call() {
        Configuration hadoop = ProcessUmask.applyTo(new Configuration());
        C c = config.apply(ConfigOptions.collect(spec.commandLine().getParseResult(), scope, hadoop));
        // the input is checked before validation creates the output folder
        InferenceInput in = c.input();
        Preflight.inference(in.fileOption(), in.userFile(), in.dataset(), in.dataDir(), hadoop);
        c.validate(DatasetCatalog.registry(), hadoop);
        try (SparkSession spark = SparkSessions.create("sparkcl " + spec.name(), c.master())) {
            job.accept(c, spark);
        }
        return 0;
    }
}
