package io.sparkcl.job.train;

import io.sparkcl.job.config.PredictConfig;
import io.sparkcl.job.ml.BatchInference;
import io.sparkcl.job.train.data.InferenceData;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.DistributedEvaluator;
import io.sparkcl.job.train.report.SparkProgress;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;

/**
 * {@code sparkcl predict}: a saved model on any dataset, on the executors. Writes one row per input:
 * {@code id, text, text_pair, label} (the gold label when the input has one), {@code predicted_label},
 * {@code predicted_id}, and one probability column {@code prob_<label>} per class; Parquet or CSV, in the
 * input's order. {@code id} is the input's own id ({@code --id-column}, default {@code id} when present).
 */
public final class PredictJob {
    private static final Logger LOG = LoggerFactory.getLogger(PredictJob.class);
    private static final String INPUT_ORDER = "_input_order";

    private PredictJob() {
    }

    /** Returns the number of rows written. */
    public static long run(PredictConfig c, SparkSession spark) {
        InferenceData data = InferenceData.read(spark, c.input(), c.output() + "/_quarantine");
        FineTunedModel model = data.model();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> labels = model.labels();
        BatchInference inference = BatchInference.of(jsc, model, data.padTokenId(), c.evalBatch());
        long n = data.rows().count();
        try (SparkProgress progress = SparkProgress.start(jsc.sc(), "predict", n, EvaluateJob.PROGRESS_SECONDS)) {
            StructType schema = new StructType()
                    .add("pid", DataTypes.StringType, false)
                    .add("predicted_id", DataTypes.IntegerType, false)
                    .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false);
            JavaRDD<Row> predicted = data.rows()
                    .mapPartitions(inference.task(new Predict(inference, progress.rowsScored())))
                    .flatMap(List::iterator);
            Dataset<Row> p = spark.createDataFrame(predicted, schema);
            List<Column> cols = new ArrayList<>(List.of(col("id"), col("text"), col("text_pair"), col("label")));
            Column labelArray = org.apache.spark.sql.functions.array(labels.stream()
                    .map(org.apache.spark.sql.functions::lit).toArray(Column[]::new));
            cols.add(org.apache.spark.sql.functions.element_at(labelArray, col("predicted_id").plus(1)).alias("predicted_label"));
            cols.add(col("predicted_id"));
            for (int k = 0; k < labels.size(); k++) {
                cols.add(col("probabilities").getItem(k).alias("prob_" + labels.get(k)));
            }
            // Ids are unique (generated, or the input's own with repeats quarantined), so the join keeps one row
            // per input; the input's reading order is restored after it.
            Dataset<Row> input = data.data().withColumn(INPUT_ORDER, functions.monotonically_increasing_id());
            Dataset<Row> out = input.join(p, input.col("id").equalTo(p.col("pid")))
                    .orderBy(INPUT_ORDER).select(cols.toArray(new Column[0]));
            // Append: validation made sure the folder was new; overwrite mode would delete the _quarantine
            // folder the reader has just written into it.
            var writer = out.write().mode(SaveMode.Append);
            if (c.outputFormat().equals("csv")) {
                // RFC 4180: a quote inside a field is doubled (Spark's default escapes it with a backslash)
                writer.option("header", "true").option("escape", "\"").option("quoteAll", "true").csv(c.output());
            } else {
                writer.parquet(c.output());
            }
            String line = String.format(Locale.ROOT, "wrote %d predictions (%s) to %s", n, c.outputFormat(), c.output());
            LOG.info(line);
            System.out.println(line);
            return n;
        } finally {
            inference.release();
        }
    }

    /** One output row per input row: id, predicted class id, probabilities. */
    static final class Predict extends DistributedEvaluator.ScoredRows<List<Row>> {
        Predict(BatchInference inference, LongAccumulator rowsScored) {
            super(inference.spec(), inference.padId(), inference.batch(), rowsScored);
        }

        @Override
        protected List<Row> result(List<TrainingRow> rows, List<DistributedEvaluator.Scored> scores) {
            List<Row> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                float[] p = scores.get(i).probabilities();
                Float[] boxed = new Float[p.length];
                for (int k = 0; k < p.length; k++) {
                    boxed[k] = p[k];
                }
                out.add(RowFactory.create(rows.get(i).id(), ClassifierHead.argmax(p),
                        scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(boxed)).toSeq()));
            }
            return out;
        }
    }
}
