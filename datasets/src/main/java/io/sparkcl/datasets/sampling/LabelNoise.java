package io.sparkcl.datasets.sampling;

import io.sparkcl.datasets.DatasetSchema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * Seeded label noise for robustness experiments: exactly {@code round(fraction × n)} rows get a wrong label,
 * each moved uniformly to one of the other K-1 classes. The rows flipped are the ones with the smallest
 * {@code xxhash64(seed, "label-noise", id)}; the new class is
 * {@code (label_id + 1 + pmod(xxhash64(seed, "label-noise-target", id), K-1)) mod K}. Both depend only on
 * (seed, id), so the result does not depend on partitioning. The label before flipping is kept in
 * {@code label_original}.
 */
public final class LabelNoise {
    private static final Logger LOG = LoggerFactory.getLogger(LabelNoise.class);
    private static final String HASH = "_noise_hash";

    private LabelNoise() {
    }

    public static Dataset<Row> apply(Dataset<Row> data, List<String> labels, double fraction, long seed) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--label-noise must be in [0, 1], got " + fraction);
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException("label noise needs at least 2 classes, got " + labels);
        }
        if (data.filter(col(DatasetSchema.LABEL_ID).isNull()).limit(1).count() > 0) {
            throw new IllegalArgumentException("label noise needs a labelled split; found rows without a label");
        }
        int k = labels.size();
        Dataset<Row> hashed = data.withColumn(HASH, functions.xxhash64(lit(seed), lit("label-noise"), col(DatasetSchema.ID)))
                .withColumn(DatasetSchema.LABEL_ORIGINAL, col(DatasetSchema.LABEL));
        long n = data.count();
        long flips = Math.round(fraction * n);
        if (flips == 0) {
            return hashed.drop(HASH);
        }
        // The flips-th smallest (hash, id): every row at or below it is flipped.
        Row cut = hashed.select(HASH, DatasetSchema.ID).orderBy(HASH, DatasetSchema.ID)
                .offset((int) (flips - 1)).limit(1).first();
        long cutHash = cut.getLong(0);
        String cutId = cut.getString(1);
        Column flip = col(HASH).lt(cutHash).or(col(HASH).equalTo(cutHash).and(col(DatasetSchema.ID).leq(cutId)));
        Column offset = functions.pmod(functions.xxhash64(lit(seed), lit("label-noise-target"), col(DatasetSchema.ID)),
                lit((long) (k - 1)));
        Column newId = functions.pmod(col(DatasetSchema.LABEL_ID).cast("long").plus(1).plus(offset), lit((long) k))
                .cast("int");
        Column names = functions.array(labels.stream().map(functions::lit).toArray(Column[]::new));
        Dataset<Row> out = hashed
                .withColumn(DatasetSchema.LABEL_ID, when(flip, newId).otherwise(col(DatasetSchema.LABEL_ID)))
                .withColumn(DatasetSchema.LABEL, when(flip, functions.element_at(names, col(DatasetSchema.LABEL_ID).plus(1)))
                        .otherwise(col(DatasetSchema.LABEL)))
                .drop(HASH);
        LOG.info("label noise {}: flipping {} of {} labels (seed {})", fraction, flips, n, seed);
        return out;
    }
}
