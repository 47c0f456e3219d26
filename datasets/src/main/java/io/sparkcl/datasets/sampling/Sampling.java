package io.sparkcl.datasets.sampling;

import io.sparkcl.datasets.DatasetSchema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Seeded per-class sampling. Within each class, rows are ranked by {@code xxhash64(seed, id)} (ties broken by
 * id) and the first ones are kept. The rank depends only on the seed and the row id, never on partitioning or
 * row order, so the same seed picks the same rows with 1 or 100 partitions.
 */
public final class Sampling {
    private static final Logger LOG = LoggerFactory.getLogger(Sampling.class);
    private static final String HASH = "_sample_hash";
    private static final String RANK = "_sample_rank";
    private static final String CLASS_SIZE = "_sample_class_size";

    private Sampling() {
    }

    /** The rank key: a 64-bit hash of (seed, id). */
    static Column rankHash(long seed, String salt) {
        return functions.xxhash64(lit(seed), lit(salt), col(DatasetSchema.ID));
    }

    private static WindowSpec byClass() {
        return Window.partitionBy(col(DatasetSchema.LABEL_ID)).orderBy(col(HASH), col(DatasetSchema.ID));
    }

    /**
     * Few-shot: {@code perClass} rows of every class (all rows of a class that has fewer, with a warning).
     * Rows without a label are dropped (few-shot sampling only makes sense for a labelled split).
     */
    public static Dataset<Row> fewShot(Dataset<Row> data, int perClass, long seed) {
        if (perClass <= 0) {
            throw new IllegalArgumentException("--few-shot must be positive, got " + perClass);
        }
        Dataset<Row> out = data.filter(col(DatasetSchema.LABEL_ID).isNotNull())
                .withColumn(HASH, rankHash(seed, "sample"))
                .withColumn(RANK, functions.row_number().over(byClass()))
                .filter(col(RANK).leq(perClass))
                .drop(HASH, RANK);
        for (Row r : out.groupBy(DatasetSchema.LABEL).count().collectAsList()) {
            if (r.getLong(1) < perClass) {
                LOG.warn("few-shot {} per class: class '{}' has only {} rows; using all of them", perClass,
                        r.get(0), r.getLong(1));
            }
        }
        return out;
    }

    /**
     * Stratified fraction: {@code max(1, round(fraction × n_c))} rows of each class c with n_c rows, so every
     * class keeps its share (and at least one row). {@code fraction} must be in (0, 1].
     */
    public static Dataset<Row> stratifiedFraction(Dataset<Row> data, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--sample-fraction must be in (0, 1], got " + fraction);
        }
        Column keep = functions.greatest(lit(1L), functions.round(col(CLASS_SIZE).multiply(fraction)));
        return data.filter(col(DatasetSchema.LABEL_ID).isNotNull())
                .withColumn(HASH, rankHash(seed, "sample"))
                .withColumn(RANK, functions.row_number().over(byClass()))
                .withColumn(CLASS_SIZE, functions.count(lit(1)).over(Window.partitionBy(col(DatasetSchema.LABEL_ID))))
                .filter(col(RANK).leq(keep))
                .drop(HASH, RANK, CLASS_SIZE);
    }
}
