package io.sparkcl.job.cli;

import io.sparkcl.job.ablate.AblateJob;
import io.sparkcl.job.ablate.Ablation;
import io.sparkcl.job.ablate.AblationGrid;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "ablate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train every cell of a grid (method × λ × τ × global batch × data size × label noise × seed "
                + "× any train option) one after another in one Spark application, each into its own run folder; "
                + "cells already finished are skipped, so an interrupted ablation resumes when run again.",
                "Writes results/results.{csv,md} (mean ± std over seeds, paired comparisons of methods on the same "
                        + "seeds), results/cells/*.json and results/plots/*.png. See the README, 'sparkcl ablate'."})
public final class AblateCommand implements Callable<Integer> {
    private final CliContext ctx;

    public AblateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*]).")
    String master;

    @Option(names = "--grid", required = true, paramLabel = "FILE",
            description = "YAML grid file: 'fixed:' train options, 'grid:' train options with lists of values, "
                    + "optional 'projection-rows:' (test rows in the PCA figure, 0 = none; default 500).")
    String grid;

    @Option(names = "--output", paramLabel = "DIR", description = "The ablation folder (Hadoop path). "
            + "Default: ablations/<grid file name>.")
    String output;

    @Option(names = "--dry-run", description = "List the cells, whether each is finished, and the estimated "
            + "time of the rest; trains nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Configuration hadoop = new Configuration();
        AblationGrid g = AblationGrid.read(grid, hadoop);
        String folder = output != null ? output : "ablations/" + new Path(grid).getName().replaceAll("\\.ya?ml$", "");
        Ablation ablation = new Ablation(g, folder, hadoop);
        if (dryRun) {
            AblateJob.dryRun(ablation, ctx.out()); // no Spark, no data, no network
            return 0;
        }
        try (SparkSession spark = SparkSessions.create("sparkcl ablate " + folder, master)) {
            AblateJob.run(ablation, spark, AblateJob.trainOn(spark));
            ctx.out().println("results in " + new Path(ablation.root(), "results"));
        }
        return 0;
    }
}
