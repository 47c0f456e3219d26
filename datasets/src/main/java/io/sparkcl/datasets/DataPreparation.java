package io.sparkcl.datasets;

import io.sparkcl.datasets.download.DatasetDownloader;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.quarantine.QuarantineReport;
import io.sparkcl.datasets.read.DatasetReader;
import io.sparkcl.datasets.read.ReadOptions;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.read.UserDataOptions;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.DatasetSpec;
import io.sparkcl.datasets.registry.SourceFormat;
import io.sparkcl.datasets.registry.SplitSpec;
import io.sparkcl.datasets.sampling.DevSplit;
import io.sparkcl.datasets.sampling.LabelNoise;
import io.sparkcl.datasets.sampling.Sampling;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's one door into this module's reading: registry dataset or the user's files, download of a missing
 * registry dataset, validation (bad rows quarantined), the choice of the dev (selection) and test (reported)
 * splits, carving dev rows from training when needed ({@link DevSplit#assign}), then sampling and label noise on
 * the training split, in that order ({@link #prepare}); or one split as it is for evaluation and prediction
 * ({@link #readSplit}).
 */
public final class DataPreparation {
    private static final Logger LOG = LoggerFactory.getLogger(DataPreparation.class);

    /** Evaluation roles and the registry split names that fill them, first labelled one wins. */
    private static final Map<String, List<String>> EVALUATION_SPLITS = new LinkedHashMap<>();

    static {
        EVALUATION_SPLITS.put("dev", List.of("dev", "dev_matched", "validation"));
        EVALUATION_SPLITS.put("test", List.of("test"));
    }

    private DataPreparation() {
    }

    /** The training split sampled and noised; the dev and test splits chosen by the request's dev-split rule. */
    public static PreparedData prepare(SparkSession spark, DataRequest request) {
        DatasetReader reader = reader(spark, request);
        QuarantineReport report = new QuarantineReport();
        Map<String, Dataset<Row>> evaluation = new LinkedHashMap<>();
        String name;
        List<String> labels;
        List<String> defaultNames;
        Dataset<Row> train;
        if (request.userFiles()) {
            String labelColumn = request.labelColumn() == null ? "label" : request.labelColumn();
            UserDataOptions user = userOptions(request, request.trainFile(), labelColumn, request.labels());
            name = user.datasetName();
            ReadResult trainRead = reader.readUserData(user, "train");
            report.add(trainRead.quarantine());
            labels = trainRead.labels();
            defaultNames = labels;
            train = trainRead.data();
            for (Map.Entry<String, String> e : Map.of("dev", nz(request.devFile()), "test", nz(request.testFile()))
                    .entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                if (!e.getValue().isEmpty()) {
                    ReadResult r = reader.readUserData(userOptions(request, e.getValue(), labelColumn, labels),
                            e.getKey());
                    report.add(r.quarantine());
                    evaluation.put(e.getKey(), r.data());
                }
            }
        } else {
            DatasetSpec spec = registrySpec(spark, request);
            String root = DataRoot.resolve(request.dataDir());
            name = spec.name();
            labels = spec.labels();
            defaultNames = spec.labelNames();
            ReadResult trainRead = reader.readSplit(spec, "train", root);
            report.add(trainRead.quarantine());
            train = trainRead.data();
            for (Map.Entry<String, List<String>> role : EVALUATION_SPLITS.entrySet()) {
                SplitSpec split = role.getValue().stream().map(n -> spec.split(n).orElse(null))
                        .filter(sp -> sp != null && sp.labelled()).findFirst().orElse(null);
                if (split != null) {
                    ReadResult r = reader.readSplit(spec, split.name(), root);
                    report.add(r.quarantine());
                    evaluation.put(role.getKey(), r.data());
                }
            }
        }
        Map<String, Object> splits = Map.of();
        if (request.devSplit() != null) {
            // before sampling: the carve sees every training row, and few-shot/fraction sample what remains
            DevSplit.Splits chosen = request.devSplit().assign(train, evaluation.get("dev"), evaluation.get("test"),
                    labels, request.seed());
            train = chosen.train();
            evaluation = new LinkedHashMap<>();
            putIfPresent(evaluation, "dev", chosen.dev());
            putIfPresent(evaluation, "test", chosen.test());
            splits = chosen.report();
        }
        train = sample(train, labels, request);
        List<String> names = LabelAwareInput.displayNames(defaultNames, labels, request.labelNames());
        return new PreparedData(name, train, evaluation, labels, names, report, splits);
    }

    /**
     * One split as it is (no sampling), to evaluate or predict on: split {@code split} of the registry dataset
     * (downloaded first when missing), or the user's file {@code request.trainFile()}, named {@code split} in
     * reports; labels in the order {@code request.labels()}.
     */
    public static ReadResult readSplit(SparkSession spark, DataRequest request, String split) {
        DatasetReader reader = reader(spark, request);
        if (request.userFiles()) {
            return reader.readUserData(userOptions(request, request.trainFile(), request.labelColumn(),
                    request.labels()), split);
        }
        return reader.readSplit(registrySpec(spark, request), split, DataRoot.resolve(request.dataDir()));
    }

    private static DatasetReader reader(SparkSession spark, DataRequest request) {
        return new DatasetReader(spark, new ReadOptions(request.quarantineDir(),
                BadRowThreshold.parse(request.maxBadRows())));
    }

    private static DatasetSpec registrySpec(SparkSession spark, DataRequest request) {
        DatasetSpec spec = DatasetRegistry.get(request.dataset());
        new DatasetDownloader(DataRoot.resolve(request.dataDir()), spark.sparkContext().hadoopConfiguration())
                .ensureAvailable(spec.name());
        return spec;
    }

    /** @param labelColumn null for unlabelled input (prediction) */
    private static UserDataOptions userOptions(DataRequest request, String path, String labelColumn,
                                               List<String> labels) {
        String name = request.dataset() == null || request.dataset().isBlank() ? "data" : request.dataset();
        SourceFormat format = request.format() == null || request.format().isBlank()
                ? null : SourceFormat.parse(request.format());
        return new UserDataOptions(path, format, request.textColumn(), request.textPairColumn(),
                labelColumn, request.idColumn(), labels, name);
    }

    private static Dataset<Row> sample(Dataset<Row> train, List<String> labels, DataRequest request) {
        Dataset<Row> out = train;
        if (request.fewShot() > 0) {
            if (request.fraction() < 1.0) {
                throw new IllegalArgumentException("give --few-shot or --fraction, not both");
            }
            out = Sampling.fewShot(out, request.fewShot(), request.seed());
            LOG.info("few-shot: {} training rows per class (seed {})", request.fewShot(), request.seed());
        } else if (request.fraction() < 1.0) {
            out = Sampling.stratifiedFraction(out, request.fraction(), request.seed());
            LOG.info("stratified fraction {} of the training split (seed {})", request.fraction(), request.seed());
        }
        if (request.labelNoise() > 0) {
            out = LabelNoise.apply(out, labels, request.labelNoise(), request.seed());
        }
        return out;
    }

    private static void putIfPresent(Map<String, Dataset<Row>> splits, String role, Dataset<Row> split) {
        if (split != null) {
            splits.put(role, split);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
