package io.sparkcl.job.train.data;

import io.sparkcl.datasets.DataRoot;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.read.DatasetReader;
import io.sparkcl.datasets.read.ReadOptions;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.read.UserDataOptions;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.DatasetSpec;
import io.sparkcl.datasets.registry.SourceFormat;
import io.sparkcl.datasets.download.DatasetDownloader;
import io.sparkcl.datasets.tokenize.TokenizationStep;
import io.sparkcl.datasets.tokenize.TokenizedData;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One split (registry dataset or a user file) read, validated and tokenised the way a fine-tuned model
 * expects it (its tokenizer, its label order, DualCL label-aware input with the fixed label order), for
 * {@code evaluate} and {@code predict}.
 *
 * @param data the validated DataFrame (id, text, text_pair, label, label_id, split)
 * @param rows compact tokenised rows (label -1 when unlabelled)
 */
public record InferenceData(Dataset<Row> data, JavaRDD<TrainingRow> rows, long badRows, long truncatedRows,
                            int padTokenId) {

    /**
     * @param userFile    a user file (then {@code dataset} only names it), or null for the registry split
     * @param labelColumn label column of the user file, null when unlabelled
     */
    public static InferenceData read(SparkSession spark, FineTunedModel model, String dataset, String split,
                                     String dataDir, String userFile, String format, String textColumn,
                                     String textPairColumn, String labelColumn, String maxBadRows, int maxLength,
                                     int partitions, String quarantineDir) {
        DatasetReader reader = new DatasetReader(spark,
                new ReadOptions(quarantineDir, BadRowThreshold.parse(maxBadRows)));
        ReadResult r;
        if (userFile == null) {
            String root = DataRoot.resolve(dataDir);
            DatasetSpec spec = DatasetRegistry.get(dataset);
            new DatasetDownloader(root, spark.sparkContext().hadoopConfiguration()).ensureAvailable(spec.name());
            r = reader.readSplit(spec, split, root);
            if (!r.labels().equals(model.labels())) {
                throw new IllegalArgumentException("dataset " + dataset + " has labels " + r.labels()
                        + " but the model was trained with " + model.labels());
            }
        } else {
            r = reader.readUserData(new UserDataOptions(userFile, format == null ? null : SourceFormat.parse(format),
                    textColumn, textPairColumn, labelColumn, null, model.labels(), dataset), split);
        }
        Dataset<Row> input = r.data();
        if (model.head() == FineTunedModel.Head.DUALCL) {
            input = LabelAwareInput.forEvaluation(input, model.labelTexts());
        }
        int len = maxLength > 0 ? maxLength : model.maxLength();
        TokenizedData t = new TokenizationStep(model.tokenizerSpec(), len).apply(input);
        int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        JavaRDD<TrainingRow> rows = TrainingDataBuilder.numbered(t.data(), p);
        t.data().unpersist(false);
        return new InferenceData(r.data(), rows, r.quarantine().badRows(), t.truncatedRows(), t.padTokenId());
    }
}
