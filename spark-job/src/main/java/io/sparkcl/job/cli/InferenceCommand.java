package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.InferenceJobConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What evaluate and predict share: the options of their scope → the typed configuration → the input checked →
 * validation (which may create the output folder) → Spark → the job.
 */
abstract class InferenceCommand<C extends InferenceJobConfig> implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final ConfigKey.Scope scope;
    private final Function<ConfigValues, C> config;
    private final BiConsumer<C, SparkSession> job;

    InferenceCommand(ConfigKey.Scope scope, Function<ConfigValues, C> config, BiConsumer<C, SparkSession> job) {
        this.scope = scope;
        this.config = config;
        this.job = job;
    }

    @Override
    public Integer call() {
        Configuration hadoop = ProcessUmask.applyTo(new Configuration());
        C c = config.apply(ConfigOptions.collect(spec.commandLine().getParseResult(), scope, hadoop));
        // the input is checked before validation creates the output folder
        Preflight.inference(c.inputOption(), c.userFile(), c.dataset(), c.dataDir(), hadoop);
        c.validate(DatasetCatalog.registry(), hadoop);
        try (SparkSession spark = SparkSessions.create("sparkcl " + spec.name(), c.master())) {
            job.accept(c, spark);
        }
        return 0;
    }
}
