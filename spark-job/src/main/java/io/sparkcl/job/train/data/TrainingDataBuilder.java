package io.sparkcl.job.train.data;

import io.sparkcl.datasets.DataPreparation;
import io.sparkcl.datasets.DatasetSchema;
import io.sparkcl.datasets.PreparedData;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
import io.sparkcl.datasets.tokenize.TokenizationStep;
import io.sparkcl.datasets.tokenize.TokenizedData;
import io.sparkcl.job.config.DataConfig;
import io.sparkcl.job.config.LabelOrder;
import io.sparkcl.job.config.ModelConfig;
import io.sparkcl.job.train.TrainingData;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From a dataset name (or user files) to cached RDDs of compact {@link TrainingRow}s: read and validate
 * the splits (bad rows quarantined and counted), choose the dev (selection) and test (reported) splits,
 * carving a dev split from the training rows when needed ({@link DevSplit#assign}), sample (few-shot N or a stratified fraction), add label
 * noise, build DualCL label-aware inputs, tokenise on the executors. Training rows are numbered
 * 0..n-1 in the order of their row ids, so indices do not depend on partitioning or file order.
 */
public final class TrainingDataBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingDataBuilder.class);

    private final SparkSession spark;
    private final DataConfig config;
    private final ModelConfig model;
    private final String quarantineDir;
    private final Map<String, Object> report = new LinkedHashMap<>();
    private PreparedData prepared;

    /**
     * @param model         its head decides label-aware inputs (DualCL); its max length bounds the tokens
     * @param quarantineDir Hadoop folder for bad rows (the run folder's {@code quarantine/})
     */
    public TrainingDataBuilder(SparkSession spark, DataConfig config, ModelConfig model, String quarantineDir) {
        this.spark = spark;
        this.config = config;
        this.model = model;
        this.quarantineDir = quarantineDir;
    }

    /** Reads and validates the splits and applies sampling and label noise; call before {@link #tokenize}. */
    public TrainingDataBuilder read() {
        prepared = DataPreparation.prepare(spark, config.request(quarantineDir));
        if (prepared.labels().size() < 2) {
            throw new IllegalArgumentException("dataset " + config.dataset() + " has " + prepared.labels().size()
                    + " label(s) in its training split; classification needs at least 2");
        }
        report.putAll(prepared.splits());
        if (config.fewShot() > 0) {
            report.put("few_shot_per_class", config.fewShot());
        } else if (config.fraction() < 1) {
            report.put("fraction", config.fraction());
        }
        if (config.labelNoise() > 0) {
            report.put("label_noise", config.labelNoise());
        }
        report.put("labels", prepared.labels());
        report.put("quarantine", prepared.quarantine().toMap());
        report.put("bad_rows", prepared.quarantine().totalBadRows());
        return this;
    }

    public List<String> labels() {
        return prepared.labels();
    }

    /** Names put in front of the text for DualCL (the registry's label words, else the labels). */
    public List<String> labelTexts() {
        return prepared.labelNames();
    }

    /** Tokenises the splits and caches them as compact rows in {@code partitions} partitions. */
    public TrainingData tokenize(TokenizerSpec tokenizer) {
        boolean dual = model.head().labelAwareInput();
        boolean shuffled = dual && config.labelOrder() == LabelOrder.SHUFFLED;
        long seed = config.seed();
        List<String> labels = labels();
        List<String> labelTexts = labelTexts();
        Dataset<Row> train = prepared.train();
        int partitions = partitions(spark, config.partitions());
        TokenizationStep step = new TokenizationStep(tokenizer, model.maxLength());
        Map<Integer, JavaRDD<TrainingRow>> epochs = new HashMap<>();
        TokenizedData t0 = step.apply(shuffled ? LabelAwareInput.forTraining(train, labelTexts, seed, 0)
                : dual ? LabelAwareInput.forEvaluation(train, labelTexts) : train);
        JavaRDD<TrainingRow> trainRows = numbered(t0.data(), partitions);
        epochs.put(0, trainRows);
        int[] trainLabels = labelsByIndex(trainRows);
        report.put("train_rows", trainLabels.length);
        report.put("train_truncated_rows", t0.truncatedRows());
        int[] perClass = new int[labels.size()];
        for (int y : trainLabels) {
            perClass[y]++;
        }
        report.put("train_rows_per_class", perClass);
        JavaRDD<TrainingRow> devRows = evalRows("dev", prepared.dev(), step, partitions);
        JavaRDD<TrainingRow> testRows = evalRows("test", prepared.test(), step, partitions);
        LOG.info("data: {} training rows ({} truncated to {} tokens), dev {}, test {}, {} bad rows quarantined",
                trainLabels.length, t0.truncatedRows(), model.maxLength(), report.getOrDefault("dev_rows", "none"),
                report.getOrDefault("test_rows", "none"), prepared.quarantine().totalBadRows());
        java.util.function.IntFunction<JavaRDD<TrainingRow>> perEpoch = !shuffled ? null : epoch -> {
            JavaRDD<TrainingRow> cached = epochs.get(epoch);
            if (cached != null) {
                return cached;
            }
            // DualCL: the label names in front of each text are shuffled again every epoch
            epochs.values().forEach(r -> r.unpersist(false));
            epochs.clear();
            TokenizedData te = step.apply(LabelAwareInput.forTraining(train, labelTexts, seed, epoch));
            JavaRDD<TrainingRow> rows = numbered(te.data(), partitions);
            te.data().unpersist(false);
            epochs.put(epoch, rows);
            return rows;
        };
        t0.data().unpersist(false);
        return new TrainingData(trainRows, devRows, testRows, labels, trainLabels, t0.padTokenId(), report, perEpoch);
    }

    public Map<String, Object> report() {
        return report;
    }

    private JavaRDD<TrainingRow> evalRows(String name, Dataset<Row> split, TokenizationStep step, int partitions) {
        if (split == null) {
            return null;
        }
        boolean labelAware = model.head().labelAwareInput();
        TokenizedData t = step.apply(labelAware ? LabelAwareInput.forEvaluation(split, labelTexts()) : split);
        JavaRDD<TrainingRow> rows = numbered(t.data(), partitions);
        long n = rows.count();
        t.data().unpersist(false);
        report.put(name + "_rows", n);
        report.put(name + "_truncated_rows", t.truncatedRows());
        return rows;
    }

    /** {@code --partitions}, else Spark's default parallelism. */
    static int partitions(SparkSession spark, int configured) {
        return configured > 0 ? configured : spark.sparkContext().defaultParallelism();
    }

    /** Sorted by row id, numbered 0..n-1, converted to compact rows, cached. */
    public static JavaRDD<TrainingRow> numbered(Dataset<Row> tokenized, int partitions) {
        Dataset<Row> cols = tokenized.select(DatasetSchema.ID, DatasetSchema.LABEL_ID, TokenizationStep.INPUT_IDS,
                TokenizationStep.ATTENTION_MASK, TokenizationStep.TOKEN_TYPE_IDS, TokenizationStep.LABEL_POSITIONS);
        JavaRDD<TrainingRow> rows = cols.javaRDD()
                .sortBy(r -> r.getString(0), true, partitions)
                .zipWithIndex()
                .map(p -> toRow(p._1(), p._2()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        rows.count();
        return rows;
    }

    static TrainingRow toRow(Row r, long index) {
        int label = r.isNullAt(1) ? -1 : r.getInt(1);
        int[][] positions = null;
        if (!r.isNullAt(5)) {
            List<Seq<Integer>> outer = r.getList(5);
            positions = new int[outer.size()][];
            for (int k = 0; k < positions.length; k++) {
                positions[k] = ints(outer.get(k));
            }
        }
        return new TrainingRow(index, r.getString(0), ints(r.getList(2)), ints(r.getList(3)), ints(r.getList(4)),
                positions, label);
    }

    private static int[] ints(List<?> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).intValue();
        }
        return out;
    }

    private static int[] ints(Seq<Integer> seq) {
        int[] out = new int[seq.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) (Object) seq.apply(i)).intValue();
        }
        return out;
    }

    private static int[] labelsByIndex(JavaRDD<TrainingRow> rows) {
        List<long[]> pairs = rows.map(r -> new long[]{r.index(), r.label()}).collect();
        int[] out = new int[pairs.size()];
        for (long[] p : pairs) {
            if (p[1] < 0) {
                throw new IllegalArgumentException("training row " + p[0] + " has no label");
            }
            out[(int) p[0]] = (int) p[1];
        }
        return out;
    }
}
