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
 * The job's one call into this module: read and validate the splits (downloading a missing registry
 * dataset first), then sample and add label noise to the training split, in that order.
 */
public final class DataPreparation {
    private static final Logger LOG = LoggerFactory.getLogger(DataPreparation.class);

    private DataPreparation() {
    }

    public static PreparedData prepare(SparkSession spark, DataRequest request) {
        DatasetReader reader = new DatasetReader(spark, new ReadOptions(request.quarantineDir(),
                BadRowThreshold.parse(request.maxBadRows())));
        QuarantineReport report = new QuarantineReport();
        Map<String, Dataset<Row>> evaluation = new LinkedHashMap<>();
        String name;
        List<String> labels;
        List<String> defaultNames;
        Dataset<Row> train;
        if (request.userFiles()) {
            name = request.dataset() == null || request.dataset().isBlank() ? "data" : request.dataset();
            SourceFormat format = request.format() == null || request.format().isBlank()
                    ? null : SourceFormat.parse(request.format());
            UserDataOptions user = new UserDataOptions(request.trainFile(), format, request.textColumn(),
                    request.textPairColumn(), request.labelColumn() == null ? "label" : request.labelColumn(),
                    null, request.labels(), name);
            ReadResult trainRead = reader.readUserData(user, "train");
            report.add(trainRead.quarantine());
            labels = trainRead.labels();
            defaultNames = labels;
            train = trainRead.data();
            for (Map.Entry<String, String> e : Map.of("dev", nz(request.devFile()), "test", nz(request.testFile()))
                    .entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                if (!e.getValue().isEmpty()) {
                    ReadResult r = reader.readUserData(new UserDataOptions(e.getValue(), format, request.textColumn(),
                            request.textPairColumn(), user.labelColumn(), null, labels, name), e.getKey());
                    report.add(r.quarantine());
                    evaluation.put(e.getKey(), r.data());
                }
            }
        } else {
            DatasetSpec spec = DatasetRegistry.get(request.dataset());
            name = spec.name();
            String root = DataRoot.resolve(request.dataDir());
            new DatasetDownloader(root, spark.sparkContext().hadoopConfiguration()).ensureAvailable(name);
            labels = spec.labels();
            defaultNames = spec.labelNames();
            ReadResult trainRead = reader.readSplit(spec, "train", root);
            report.add(trainRead.quarantine());
            train = trainRead.data();
            for (SplitSpec s : spec.splits()) {
                if (!s.name().equals("train") && s.labelled()) {
                    ReadResult r = reader.readSplit(spec, s.name(), root);
                    report.add(r.quarantine());
                    evaluation.put(s.name(), r.data());
                }
            }
        }
        train = sample(train, labels, request);
        List<String> names = LabelAwareInput.displayNames(defaultNames, labels, request.labelNames());
        return new PreparedData(name, train, evaluation, labels, names, report);
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

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
