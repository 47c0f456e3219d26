package io.sparkcl.job.ablate;

import io.sparkcl.datasets.DatasetSchema;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.SplitSpec;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.DataConfig;
import io.sparkcl.job.config.InferenceInput;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.report.Pca;
import io.sparkcl.job.train.data.InferenceData;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The papers' feature figure for one cell: the pooled features of up to N rows of the reported (test) split,
 * from the pre-trained encoder and from the cell's selected model, each projected to 2-D by {@link Pca}; written
 * as {@code projection.json} in the cell's run folder. The rows are the ones with the smallest
 * {@code xxhash64(id)}, so every method's figure shows the same rows.
 */
public final class FeatureProjection {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureProjection.class);
    public static final String FILE = "projection.json";

    private final SparkSession spark;
    private final int rows;

    public FeatureProjection(SparkSession spark, int rows) {
        this.spark = spark;
        this.rows = rows;
    }

    /** Whether the figure shows {@code cell}: one per method (the grid's first seed) among ce, scl and dualcl. */
    public static boolean wanted(Ablation ablation, AblationCell cell) {
        if (ablation.grid().projectionRows() == 0 || !List.of("ce", "scl", "dualcl").contains(cell.config().objective().method().id())) {
            return false;
        }
        List<Object> seeds = ablation.grid().axes().get(io.sparkcl.job.config.ConfigKey.SEED);
        return seeds == null || String.valueOf(seeds.get(0)).equals(String.valueOf(cell.config().schedule().seed()));
    }

    /** Computes the cell's projection unless it exists already. */
    public void ensure(Ablation ablation, AblationCell cell) {
        if (!wanted(ablation, cell)) {
            return;
        }
        RunFolder run = new RunFolder(ablation.cellFolder(cell.id()).toString(), ablation.conf());
        if (run.exists(FILE) || !run.exists("summary.json")) {
            return;
        }
        TrainConfig c = cell.config();
        String split = reportedSplit(c);
        InferenceData data = InferenceData.read(spark, input(c, run.path(run.exists("best-model") ? "best-model"
                : "model").toString(), split), run.path("quarantine-projection").toString());
        FineTunedModel after = data.model();
        PretrainedModel pm = ModelRegistry.load(c.model().model(), after.labels().size());
        FineTunedModel before = FineTunedModel.of(pm.parameters(), c.model().pooling(), after.head(), after.labels(),
                after.labelTexts(), pm.tokenizerSpec(), after.maxLength(),
                Map.of("method", c.objective().method().id()));
        data.rows().unpersist(false);
        List<Row> sample = data.data().filter(col(DatasetSchema.LABEL_ID).isNotNull())
                .orderBy(functions.xxhash64(col(DatasetSchema.ID)), col(DatasetSchema.ID)).limit(rows)
                .select(DatasetSchema.TEXT, DatasetSchema.TEXT_PAIR, DatasetSchema.LABEL_ID).collectAsList();
        if (sample.isEmpty()) {
            LOG.warn("cell {}: no labelled {} rows for the feature projection", cell.id(), split);
            return;
        }
        List<String> texts = new ArrayList<>();
        List<String> pairs = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Row r : sample) {
            texts.add(r.getString(0));
            pairs.add(r.isNullAt(1) ? null : r.getString(1));
            labels.add(r.getInt(2));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cell", cell.id());
        out.put("method", c.objective().method().id());
        out.put("split", split);
        out.put("labels", after.labels());
        out.put("label_ids", labels);
        out.put("before", Pca.project2d(before.predict(texts, pairs, c.schedule().evalBatch()).features()));
        out.put("after", Pca.project2d(after.predict(texts, pairs, c.schedule().evalBatch()).features()));
        run.writeJson(FILE, out);
        LOG.info("cell {}: feature projection of {} {} rows written", cell.id(), sample.size(), split);
    }

    /** The split a run reports on: the labelled test split, else the dataset's dev split (see DevSplit.assign). */
    static String reportedSplit(TrainConfig config) {
        DataConfig c = config.data();
        if (!c.usesRegistryDataset()) {
            return c.testFile() != null ? "test" : "dev";
        }
        return DatasetRegistry.get(c.dataset()).split("test").filter(SplitSpec::labelled).isPresent() ? "test"
                : DatasetRegistry.get(c.dataset()).splitNames().stream().filter(n -> n.startsWith("dev")).findFirst()
                .orElse("dev");
    }

    /** The reported split of a cell's data, read with the cell's data options for the model folder {@code model}. */
    private static InferenceInput input(TrainConfig config, String model, String split) {
        DataConfig d = config.data();
        String userFile = d.usesRegistryDataset() ? null : d.testFile() != null ? d.testFile() : d.devFile();
        return new InferenceInput(model, d.dataset(), split, d.dataDir(),
                d.testFile() != null ? ConfigKey.TEST_FILE : ConfigKey.DEV_FILE, userFile, d.format(), d.textColumn(),
                d.textPairColumn(), d.labelColumn(), null, d.maxBadRows(), config.model().maxLength(), d.partitions());
    }
}
