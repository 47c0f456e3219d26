package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.PromoteConfig;
import io.sparkcl.job.promote.PromoteJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare a retrained model (--candidate) with the model in service (--current) on the same dev "
                + "data and install the candidate only if it is better by more than --margin.",
                "Exit codes: 0 promoted (or first model), 3 current model kept, 1 failure, 2 bad options."})
public final class PromoteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Configuration hadoop = new Configuration();
        PromoteConfig config = PromoteConfig.from(
                ConfigOptions.collect(spec.commandLine().getParseResult(), ConfigKey.Scope.PROMOTE, hadoop))
                .validate(DatasetCatalog.registry(), hadoop);
        try (SparkSession spark = SparkSessions.create("sparkcl promote", config.master())) {
            return PromoteJob.run(config, spark).outcome().exitCode();
        }
    }
}
