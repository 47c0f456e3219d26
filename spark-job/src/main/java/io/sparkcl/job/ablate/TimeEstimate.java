package io.sparkcl.job.ablate;

import io.sparkcl.job.config.DataConfig;
import io.sparkcl.job.config.ScheduleConfig;
import io.sparkcl.job.config.TrainConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code --dry-run} estimate of a cell's time: data preparation, {@code steps × global batch} training
 * sequences and the evaluations' forward passes, at the speeds measured by this ablation's finished cells of
 * the same model and method (else of the same model; else {@link #DEFAULT_TRAIN_RATE}). A dry run never reads
 * data nor touches the network (a registry dataset is not downloaded): the row counts come from the data report
 * of a finished cell with the same data and sampling options (seed aside); a cell without one has an unknown time.
 */
final class TimeEstimate {
    /** Sequences per second of a training step assumed without a measurement (2 cores, MiniLM, 2026-11). */
    static final double DEFAULT_TRAIN_RATE = 10;
    /** Evaluation (forward only, no dropout) runs about this many times faster than training. */
    static final double EVAL_SPEEDUP = 4;
    /** Reading, validating and tokenising the data, loading the model, saving it. */
    static final double SETUP_SECONDS = 30;

    private final List<CellResult> finished;

    TimeEstimate(List<CellResult> finished) {
        this.finished = finished;
    }

    /** Estimated seconds of {@code cell} (NaN when its data sizes are not known yet), and how they were found. */
    record Estimate(double seconds, String speedSource) {
        boolean known() {
            return Double.isFinite(seconds);
        }

        String text() {
            if (!known()) {
                return "unknown";
            }
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
        }
    }

    Estimate of(AblationCell cell, boolean withProjection, int projectionRows) {
        TrainConfig c = cell.config();
        ScheduleConfig sc = c.schedule();
        Optional<long[]> rows = rows(c);
        if (rows.isEmpty()) {
            return new Estimate(Double.NaN, "data sizes known once a cell with the same data options has finished");
        }
        long train = rows.get()[0];
        long evalRows = rows.get()[1] + rows.get()[2];
        long steps = sc.steps() > 0 ? sc.steps() : (long) sc.epochs() * Math.max(1, train / sc.globalBatch());
        long evaluations = sc.evalEvery() > 0 ? steps / sc.evalEvery() + 1 : Math.max(1, sc.epochs());
        double[] rate = rate(c);
        double seconds = SETUP_SECONDS + steps * sc.globalBatch() / rate[0]
                + evaluations * evalRows / (rate[0] * EVAL_SPEEDUP)
                + (withProjection ? 2.0 * projectionRows / (rate[0] * EVAL_SPEEDUP) : 0);
        return new Estimate(seconds, rate[1] > 0 ? String.format(Locale.ROOT, "%.1f seq/s measured on %d cells",
                rate[0], (int) rate[1]) : String.format(Locale.ROOT, "%.0f seq/s assumed", rate[0]));
    }

    /** {mean sequences/s, cells measured}: same model and method, else same model, else the default. */
    private double[] rate(TrainConfig c) {
        for (boolean sameMethod : new boolean[]{true, false}) {
            double[] r = finished.stream()
                    .filter(f -> f.cell().config().model().model().equals(c.model().model())
                            && (!sameMethod || f.cell().config().objective().method() == c.objective().method())
                            && f.sequencesPerSecond() > 0)
                    .mapToDouble(CellResult::sequencesPerSecond).toArray();
            if (r.length > 0) {
                return new double[]{java.util.Arrays.stream(r).average().orElseThrow(), r.length};
            }
        }
        return new double[]{DEFAULT_TRAIN_RATE, 0};
    }

    /**
     * {train, dev, reported} rows from the data report of a finished cell whose data options (all but the seed,
     * which only picks rows) equal {@code c}'s; empty when there is none.
     */
    private Optional<long[]> rows(TrainConfig c) {
        return finished.stream()
                .filter(f -> sameData(f.cell().config().data(), c.data()))
                .map(f -> new long[]{count(f, "train_rows"), count(f, "dev_rows"), count(f, "test_rows")})
                .filter(r -> r[0] > 0)
                .findFirst();
    }

    /** The options that decide the row counts; the seed only picks which rows. */
    private static boolean sameData(DataConfig a, DataConfig b) {
        return sizeOptions(a).equals(sizeOptions(b));
    }

    private static List<Object> sizeOptions(DataConfig d) {
        return Arrays.asList(d.dataset(), d.trainFile(), d.devFile(), d.testFile(), d.fewShot(), d.fraction(),
                d.devFraction(), d.devMaxRows());
    }

    private static long count(CellResult f, String field) {
        return f.data().get(field) instanceof Number n ? n.longValue() : 0;
    }
}
