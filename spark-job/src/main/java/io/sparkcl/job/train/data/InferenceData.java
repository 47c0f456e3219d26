package io.sparkcl.job.train.data;

import io.sparkcl.datasets.DataPreparation;
import io.sparkcl.datasets.DataRequest;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.tokenize.TokenizationStep;
import io.sparkcl.datasets.tokenize.TokenizedData;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One split (registry dataset or a user file) read through the datasets module's {@link DataPreparation},
 * validated and tokenised the way a fine-tuned model expects it (its tokenizer, its label order, DualCL
 * label-aware input with the fixed label order), for {@code evaluate} and {@code predict}.
 *
 * @param data the validated DataFrame (id, text, text_pair, label, label_id, split)
 * @param rows compact tokenised rows (label -1 when unlabelled)
 */
public record InferenceData(Dataset<Row> data, JavaRDD<TrainingRow> rows, long badRows, long truncatedRows,
                            int padTokenId) {

    /**
     * @param userFile    a user file (then {@code dataset} only names it), or null for the registry split
     * @param labelColumn label column of the user file, null when unlabelled
     * @param maxLength   0 = the length the model was trained with
     */
    public static InferenceData read(SparkSession spark, FineTunedModel model, String dataset, String split,
                                     String dataDir, String userFile, String format, String textColumn,
                                     String textPairColumn, String labelColumn, String maxBadRows, int maxLength,
                                     int partitions, String quarantineDir) {
        DataRequest request = new DataRequest(dataset, dataDir, userFile, null, null, format, textColumn,
                textPairColumn, labelColumn, model.labels(), null, maxBadRows, quarantineDir, 0, 1.0, 0.0, 0);
        ReadResult r = DataPreparation.readSplit(spark, request, split);
        if (userFile == null && !r.labels().equals(model.labels())) {
            throw new IllegalArgumentException("dataset " + dataset + " has labels " + r.labels()
                    + " but the model was trained with " + model.labels());
        }
        Dataset<Row> input = r.data();
        if (model.head().labelAwareInput()) {
            input = LabelAwareInput.forEvaluation(input, model.labelTexts());
        }
        int len = maxLength > 0 ? maxLength : model.maxLength();
        TokenizedData t = new TokenizationStep(model.tokenizerSpec(), len).apply(input);
        JavaRDD<TrainingRow> rows = TrainingDataBuilder.numbered(t.data(),
                TrainingDataBuilder.partitions(spark, partitions));
        t.data().unpersist(false);
        return new InferenceData(r.data(), rows, r.quarantine().badRows(), t.truncatedRows(), t.padTokenId());
    }
}
