package io.sparkcl.job.ablate;

import io.sparkcl.datasets.DataRoot;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.read.DatasetReader;
import io.sparkcl.datasets.read.ReadOptions;
import io.sparkcl.datasets.read.UserDataOptions;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.DatasetSpec;
import io.sparkcl.datasets.registry.SourceFormat;
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
        long[] split = sizes(c); // train, dev (0 = carved), test
        long dev = split[1] > 0 ? split[1] : Math.min(Math.round(c.devSplit().fraction() * split[0]),
                c.devSplit().maxRows());
        long train = split[0] - (split[1] > 0 ? 0 : dev);
        int classes = classes(c);
        if (c.fewShot() > 0) {
            train = Math.min(train, (long) c.fewShot() * classes);
        } else {
            train = Math.max(1, Math.round(train * c.fraction()));
        }
        long steps = c.steps() > 0 ? c.steps() : (long) c.epochs() * Math.max(1, train / c.globalBatch());
        long evaluations = c.evalEvery() > 0 ? steps / c.evalEvery() + 1 : Math.max(1, c.epochs());
        double[] rate = rate(c);
        double seconds = SETUP_SECONDS + steps * c.globalBatch() / rate[0]
                + evaluations * (dev + split[2]) / (rate[0] * EVAL_SPEEDUP)
                + (withProjection ? 2.0 * projectionRows / (rate[0] * EVAL_SPEEDUP) : 0);
        return new Estimate(seconds, rate[1] > 0 ? String.format(Locale.ROOT, "%.1f seq/s measured on %d cells",
                rate[0], (int) rate[1]) : String.format(Locale.ROOT, "%.0f seq/s assumed", rate[0]));
    }

    /** {mean sequences/s, cells measured}: same model and method, else same model, else the default. */
    private double[] rate(TrainConfig c) {
        for (boolean sameMethod : new boolean[]{true, false}) {
            double[] r = finished.stream()
                    .filter(f -> f.cell().config().model().equals(c.model())
                            && (!sameMethod || f.cell().config().method().equals(c.method()))
                            && f.sequencesPerSecond() > 0)
                    .mapToDouble(CellResult::sequencesPerSecond).toArray();
            if (r.length > 0) {
                return new double[]{java.util.Arrays.stream(r).average().orElseThrow(), r.length};
            }
        }
        return new double[]{DEFAULT_TRAIN_RATE, 0};
    }

    private int classes(TrainConfig c) {
        if (!c.labels().isEmpty()) {
            return c.labels().size();
        }
        return c.usesRegistryDataset() ? DatasetRegistry.get(c.dataset()).labels().size() : 2;
    }

    /** {train rows, dev rows (0 when the dev split is carved), reported rows} of the cell's dataset. */
    private long[] sizes(TrainConfig c) {
        String key = c.usesRegistryDataset() ? c.dataset() : c.trainFile();
        return sizes.computeIfAbsent(key, k -> read(c));
    }

    private long[] read(TrainConfig c) {
        try {
            String quarantine = Files.createTempDirectory("sparkcl-estimate").toUri().toString();
            DatasetReader reader = new DatasetReader(spark, new ReadOptions(quarantine,
                    BadRowThreshold.parse(c.maxBadRows())));
            if (c.usesRegistryDataset()) {
                DatasetSpec spec = DatasetRegistry.get(c.dataset());
                String root = DataRoot.resolve(c.dataDir());
                long train = reader.readSplit(spec, "train", root).data().count();
                String reported = FeatureProjection.reportedSplit(c);
                long test = reader.readSplit(spec, reported, root).data().count();
                boolean ownDev = !reported.startsWith("dev")
                        && spec.split("dev").filter(s -> s.labelled()).isPresent();
                return new long[]{train, ownDev ? reader.readSplit(spec, "dev", root).data().count() : 0, test};
            }
            UserDataOptions o = new UserDataOptions(c.trainFile(), c.format() == null ? null
                    : SourceFormat.parse(c.format()), c.textColumn(), c.textPairColumn(), c.labelColumn(), null,
                    c.labels().isEmpty() ? null : c.labels(), c.dataset());
            return new long[]{reader.readUserData(o, "train").data().count(), 0, 0};
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
