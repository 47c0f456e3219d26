package io.sparkcl.job.ablate;

import io.sparkcl.datasets.DataPreparation;
import io.sparkcl.datasets.DataRequest;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.DatasetSpec;
import io.sparkcl.job.config.DataConfig;
import io.sparkcl.job.config.ScheduleConfig;
import io.sparkcl.job.config.TrainConfig;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --dry-run} estimate of a cell's time: data preparation, {@code steps × global batch} training
 * sequences and the evaluations' forward passes, at the speeds measured by this ablation's finished cells of
 * the same model and method (else of the same model; else {@link #DEFAULT_TRAIN_RATE}). Training rows come
 * from the split sizes (read once per dataset), after the dev carve and sampling.
 */
final class TimeEstimate {
    /** Sequences per second of a training step assumed without a measurement (2 cores, MiniLM, 2026-11). */
    static final double DEFAULT_TRAIN_RATE = 10;
    /** Evaluation (forward only, no dropout) runs about this many times faster than training. */
    static final double EVAL_SPEEDUP = 4;
    /** Reading, validating and tokenising the data, loading the model, saving it. */
    static final double SETUP_SECONDS = 30;

    private final SparkSession spark;
    private final List<CellResult> finished;
    private final Map<String, long[]> sizes = new HashMap<>();

    TimeEstimate(SparkSession spark, List<CellResult> finished) {
        this.spark = spark;
        this.finished = finished;
    }

    /** Estimated seconds of {@code cell}, and how the speed was found. */
    record Estimate(double seconds, String speedSource) {
        String text() {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
        }
    }

    Estimate of(AblationCell cell, boolean withProjection, int projectionRows) {
        TrainConfig c = cell.config();
        DataConfig d = c.data();
        ScheduleConfig sc = c.schedule();
        long[] split = sizes(c); // train, dev (0 = carved), test
        long dev = split[1] > 0 ? split[1] : Math.min(Math.round(d.devSplit().fraction() * split[0]),
                d.devSplit().maxRows());
        long train = split[0] - (split[1] > 0 ? 0 : dev);
        int classes = classes(d);
        if (d.fewShot() > 0) {
            train = Math.min(train, (long) d.fewShot() * classes);
        } else {
            train = Math.max(1, Math.round(train * d.fraction()));
        }
        long steps = sc.steps() > 0 ? sc.steps() : (long) sc.epochs() * Math.max(1, train / sc.globalBatch());
        long evaluations = sc.evalEvery() > 0 ? steps / sc.evalEvery() + 1 : Math.max(1, sc.epochs());
        double[] rate = rate(c);
        double seconds = SETUP_SECONDS + steps * sc.globalBatch() / rate[0]
                + evaluations * (dev + split[2]) / (rate[0] * EVAL_SPEEDUP)
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

    private int classes(DataConfig d) {
        if (!d.labels().isEmpty()) {
            return d.labels().size();
        }
        return d.usesRegistryDataset() ? DatasetRegistry.get(d.dataset()).labels().size() : 2;
    }

    /** {train rows, dev rows (0 when the dev split is carved), reported rows} of the cell's dataset. */
    private long[] sizes(TrainConfig c) {
        String key = c.data().usesRegistryDataset() ? c.data().dataset() : c.data().trainFile();
        return sizes.computeIfAbsent(key, k -> read(c));
    }

    /** Split sizes as read through the one data door ({@link DataPreparation#readSplit}). */
    private long[] read(TrainConfig c) {
        try {
            String quarantine = Files.createTempDirectory("sparkcl-estimate").toUri().toString();
            DataRequest request = c.data().request(quarantine);
            long train = DataPreparation.readSplit(spark, request, "train").data().count();
            if (!c.data().usesRegistryDataset()) {
                return new long[]{train, 0, 0};
            }
            DatasetSpec spec = DatasetRegistry.get(c.data().dataset());
            String reported = FeatureProjection.reportedSplit(c);
            long test = DataPreparation.readSplit(spark, request, reported).data().count();
            boolean ownDev = !reported.startsWith("dev") && spec.split("dev").filter(s -> s.labelled()).isPresent();
            return new long[]{train, ownDev ? DataPreparation.readSplit(spark, request, "dev").data().count() : 0,
                    test};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
