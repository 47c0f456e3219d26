package io.sparkcl.job.ablate;

import io.sparkcl.job.train.TrainJob;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code sparkcl ablate}: every cell of a grid trained one after another through {@code sparkcl train}'s entry
 * point on one SparkSession (one Spark application, no JVM per cell), resuming where an earlier invocation
 * stopped, then the results tables and plots; or, with {@code --dry-run}, the cells and their estimated time.
 */
public final class AblateJob {
    private AblateJob() {
    }

    /** Trains the unfinished cells with {@code trainer} (production: {@link #trainOn}). */
    public static void run(Ablation ablation, SparkSession spark, CellTrainer trainer) {
        FeatureProjection projection = new FeatureProjection(spark, ablation.grid().projectionRows());
        ablation.run(trainer, cell -> projection.ensure(ablation, cell));
        AblationReport.write(ablation);
    }

    /** The production adapter: a cell is one {@code sparkcl train} run on {@code spark}. */
    public static CellTrainer trainOn(SparkSession spark) {
        return config -> TrainJob.run(config, spark);
    }

    /**
     * Prints each cell, its state and estimated time, and the total of the cells still to train. Reads only the
     * ablation folder: no data, no network.
     */
    public static void dryRun(Ablation ablation, PrintStream out) {
        List<CellResult> finished = AblationReport.finished(ablation);
        TimeEstimate estimate = new TimeEstimate(finished);
        out.printf(Locale.ROOT, "ablation %s: %d cells%n", ablation.root(), ablation.cells().size());
        double remaining = 0;
        int todo = 0;
        int unknown = 0;
        for (AblationCell cell : ablation.cells()) {
            Ablation.State state = ablation.state(cell);
            TimeEstimate.Estimate e = estimate.of(cell, FeatureProjection.wanted(ablation, cell),
                    ablation.grid().projectionRows());
            if (state != Ablation.State.FINISHED) {
                todo++;
                if (e.known()) {
                    remaining += e.seconds();
                } else {
                    unknown++;
                }
            }
            out.printf(Locale.ROOT, "%4d  %-9s %10s  %s  (%s)%n", cell.index() + 1,
                    state.name().toLowerCase(Locale.ROOT), state == Ablation.State.FINISHED ? "done" : e.text(),
                    cell.id(), e.speedSource());
        }
        out.printf(Locale.ROOT, "%d cells to train, estimated %s%s%n", todo,
                new TimeEstimate.Estimate(remaining, "").text(),
                unknown > 0 ? " + " + unknown + " cells of unknown time" : "");
    }
}
