package io.sparkcl.datasets.sampling;

import io.sparkcl.datasets.DatasetSchema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * A seeded, stratified dev split carved out of the training rows, for model selection when a dataset has
 * none (so the test split is never used to choose a checkpoint).
 *
 * <p>Size: {@code T = min(round(fraction × n), maxRows)} rows, shared among the classes in proportion to
 * their sizes (largest remainder, ties to the lower class id), and never a class's last training row.
 * Within each class the rows with the smallest {@code xxhash64(seed, "dev-split", id)} (ties by id) go to
 * dev; the choice depends only on (seed, id), never on partitioning or row order, and its salt differs
 * from {@link Sampling}'s, so sampling the remaining rows afterwards is independent of the carve.
 *
 * @param fraction share of the training rows carved, in [0, 1); 0 = no carving
 * @param maxRows  upper bound on the rows carved (at least 1)
 */
public record DevSplit(double fraction, int maxRows) implements Serializable {
    private static final Logger LOG = LoggerFactory.getLogger(DevSplit.class);
    public static final double DEFAULT_FRACTION = 0.1;
    public static final int DEFAULT_MAX_ROWS = 1000;
    private static final String HASH = "_dev_hash";
    private static final String RANK = "_dev_rank";
    private static final String QUOTA = "_dev_quota";

    public DevSplit {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("--dev-fraction must be in [0, 1), got " + fraction);
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("--dev-max-rows must be at least 1, got " + maxRows);
        }
    }

    public static DevSplit defaults() {
        return new DevSplit(DEFAULT_FRACTION, DEFAULT_MAX_ROWS);
    }

    /** True when this carves nothing (fraction 0). */
    public boolean disabled() {
        return fraction == 0;
    }

    /** The training rows split into what stays for training and the carved dev rows. */
    public record Carved(DevSplit rule, long seed, Dataset<Row> train, Dataset<Row> dev, long[] devRowsPerClass) {

        public long devRows() {
            return Arrays.stream(devRowsPerClass).sum();
        }

        /** How the dev split was made, for data.json and summary.json. */
        public Map<String, Object> describe(List<String> labels) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dev_source", "carved from the training split");
            m.put("dev_fraction", rule.fraction());
            m.put("dev_max_rows", rule.maxRows());
            m.put("dev_seed", seed);
            m.put("dev_rows_carved", devRows());
            Map<String, Long> perClass = new LinkedHashMap<>();
            for (int c = 0; c < devRowsPerClass.length; c++) {
                perClass.put(labels.get(c), devRowsPerClass[c]);
            }
            m.put("dev_rows_carved_per_class", perClass);
            return m;
        }
    }

    /**
     * Carves the dev rows out of {@code train} (rows without a label always stay in train).
     *
     * @param numLabels classes K (label ids 0..K-1)
     */
    public Carved carve(Dataset<Row> train, int numLabels, long seed) {
        long[] classSizes = new long[numLabels];
        for (Row r : train.filter(col(DatasetSchema.LABEL_ID).isNotNull()).groupBy(DatasetSchema.LABEL_ID).count()
                .collectAsList()) {
            classSizes[r.getInt(0)] = r.getLong(1);
        }
        long[] quota = quotas(classSizes);
        Column quotaOfRow = functions.element_at(functions.array(
                Arrays.stream(quota).mapToObj(functions::lit).toArray(Column[]::new)),
                col(DatasetSchema.LABEL_ID).plus(1));
        Dataset<Row> ranked = train
                .withColumn(HASH, Sampling.rankHash(seed, "dev-split"))
                .withColumn(RANK, functions.row_number().over(Window.partitionBy(col(DatasetSchema.LABEL_ID))
                        .orderBy(col(HASH), col(DatasetSchema.ID))))
                .withColumn(QUOTA, functions.when(col(DatasetSchema.LABEL_ID).isNull(), lit(0L)).otherwise(quotaOfRow));
        Column inDev = col(RANK).leq(col(QUOTA));
        Dataset<Row> dev = ranked.filter(inDev).drop(HASH, RANK, QUOTA);
        if (Arrays.asList(dev.columns()).contains(DatasetSchema.SPLIT)) {
            dev = dev.withColumn(DatasetSchema.SPLIT, lit("dev"));
        }
        Dataset<Row> rest = ranked.filter(functions.not(inDev)).drop(HASH, RANK, QUOTA);
        LOG.info("dev split carved from the training rows: {} of {} rows (fraction {}, at most {}; seed {}), "
                + "per class {}", Arrays.stream(quota).sum(), Arrays.stream(classSizes).sum(), fraction, maxRows, seed,
                Arrays.toString(quota));
        return new Carved(this, seed, rest, dev, quota);
    }

    /** Rows carved from each class of the given sizes (largest-remainder share of the total). */
    long[] quotas(long[] classSizes) {
        long n = Arrays.stream(classSizes).sum();
        long total = Math.min(Math.round(fraction * n), maxRows);
        long[] quota = new long[classSizes.length];
        if (total == 0 || n == 0) {
            return quota;
        }
        double[] remainder = new double[classSizes.length];
        long given = 0;
        for (int c = 0; c < classSizes.length; c++) {
            double exact = (double) total * classSizes[c] / n;
            quota[c] = (long) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        while (given < total) {
            int best = -1;
            for (int c = 0; c < classSizes.length; c++) {
                if (remainder[c] >= 0 && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            if (best < 0) {
                break;
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        for (int c = 0; c < classSizes.length; c++) {
            quota[c] = Math.max(0, Math.min(quota[c], classSizes[c] - 1)); // keep every class in training
        }
        return quota;
    }

    /** The training, selection (dev) and reported (test) splits of a run; dev or test may be null. */
    public record Splits(Dataset<Row> train, Dataset<Row> dev, Dataset<Row> test, Map<String, Object> report) {
    }

    /**
     * The rule of a run's splits: the reported split is the labelled test split, else the dataset's dev split
     * (GLUE hides its test labels); the selection split is the dataset's dev split when it is not the
     * reported one, else rows carved from training by this rule (none when {@link #disabled()}).
     *
     * @param dev  the dataset's labelled dev split, or null
     * @param test the dataset's labelled test split, or null
     */
    public Splits assign(Dataset<Row> train, Dataset<Row> dev, Dataset<Row> test, List<String> labels, long seed) {
        Map<String, Object> report = new LinkedHashMap<>();
        Dataset<Row> reported = test;
        report.put("test_source", test != null ? "dataset test split" : dev != null ? "dataset dev split "
                + "(the dataset has no labelled test split)" : "none");
        if (test == null) {
            reported = dev;
            dev = null;
        }
        Dataset<Row> trainRows = train;
        if (dev != null) {
            report.put("dev_source", "dataset dev split");
        } else if (disabled()) {
            report.put("dev_source", "none (--dev-fraction 0): no model selection, the final model is kept");
        } else {
            Carved c = carve(train, labels.size(), seed);
            trainRows = c.train();
            dev = c.dev();
            report.putAll(c.describe(labels));
        }
        report.put("selection", dev == null ? "final model" : "best dev macro-F1; the test split is evaluated, "
                + "never used to choose");
        return new Splits(trainRows, dev, reported, report);
    }
}
