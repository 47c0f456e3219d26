package io.sparkcl.job.train.data;

import io.sparkcl.datasets.DataPreparation;
import io.sparkcl.datasets.DataRequest;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.tokenize.TokenizationStep;
import io.sparkcl.datasets.tokenize.TokenizedData;
import io.sparkcl.job.config.InferenceInput;
import io.sparkcl.job.train.ModelExport;
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
 * @param model the fine-tuned model
 * @param data the validated DataFrame (id, text, text_pair, label, label_id, split)
 * @param rows compact tokenised rows (label -1 when unlabelled)
 */
public record InferenceData(FineTunedModel model, Dataset<Row> data, JavaRDD<TrainingRow> rows, long badRows,
                            long truncatedRows, int padTokenId) {

    /**
     * Loads the model folder {@code in.model()} and reads its input.
     *
     * @param quarantineDir where bad rows go (null: a private temporary folder the reader creates and logs)
     */
    public static InferenceData read(SparkSession spark, InferenceInput in, String quarantineDir) {
        FineTunedModel model = ModelExport.load(in.model(), spark.sparkContext().hadoopConfiguration());
        DataRequest request = new DataRequest(in.dataset(), in.dataDir(), in.userFile(), null, null, in.format(),
                in.textColumn(), in.textPairColumn(), in.labelColumn(), model.labels(), null, in.maxBadRows(),
                quarantineDir, 0, 1.0, 0.0, 0, null, in.idColumn());
        ReadResult r = DataPreparation.readSplit(spark, request, in.split());
        if (in.userFile() == null && !r.labels().equals(model.labels())) {
            throw new IllegalArgumentException("dataset " + in.dataset() + " has labels " + r.labels()
                    + " but the model was trained with " + model.labels());
        }
        Dataset<Row> input = r.data();
        if (model.head().labelAwareInput()) {
            input = LabelAwareInput.forEvaluation(input, model.labelTexts());
        }
        int len = in.maxLength() > 0 ? in.maxLength() : model.maxLength();
        TokenizedData t = new TokenizationStep(model.tokenizerSpec(), len).apply(input);
        JavaRDD<TrainingRow> rows = TrainingDataBuilder.numbered(t.data(),
                TrainingDataBuilder.partitions(spark, in.partitions()));
        t.data().unpersist(false);
        return new InferenceData(model, r.data(), rows, r.quarantine().badRows(), t.truncatedRows(), t.padTokenId());
    }
}
