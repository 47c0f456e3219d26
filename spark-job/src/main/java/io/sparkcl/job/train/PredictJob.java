package io.sparkcl.job.train;

import io.sparkcl.job.config.PredictConfig;
import io.sparkcl.job.train.data.InferenceData;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.RowPredictor;
import io.sparkcl.job.train.exec.ExecutorModels;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.report.SparkProgress;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.encoder.BertEncoderModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;

/**
 * {@code sparkcl predict}: a saved model on any dataset, on the executors. Writes one row per input:
 * {@code id, text, text_pair, label} (the gold label when the input has one), {@code predicted_label},
 * {@code predicted_id}, and one probability column {@code prob_<label>} per class; Parquet or CSV.
 */
public final class PredictJob {
    private static final Logger LOG = LoggerFactory.getLogger(PredictJob.class);

    private PredictJob() {
    }

    /** Returns the number of rows written. */
    public static long run(PredictConfig c, SparkSession spark) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        FineTunedModel model = ModelExport.load(c.model(), jsc.hadoopConfiguration());
        InferenceData data = InferenceData.read(spark, model, c.dataset(), c.split(), c.dataDir(), c.input(), c.format(),
                c.textColumn(), c.textPairColumn(), c.input() == null ? "label" : null, c.maxBadRows(), c.maxLength(),
                c.partitions(), c.output() + "/_quarantine");
        List<String> labels = model.labels();
        ModelSpec spec = new ModelSpec(model.config(), labels.size(), model.pooling().name().toLowerCase(Locale.ROOT));
        Broadcast<float[]> params = jsc.broadcast(model.parameters().flat().dup().data().asFloat());
        try {
            StructType schema = new StructType()
                    .add("pid", DataTypes.StringType, false)
                    .add("predicted_id", DataTypes.IntegerType, false)
                    .add("probabilities", DataTypes.createArrayType(DataTypes.FloatType, false), false);
            JavaRDD<Row> predicted = data.rows().mapPartitions(new Predict(spec, params,
                    UUID.randomUUID().getMostSignificantBits(), model.head() == FineTunedModel.Head.DUALCL,
                    data.padTokenId(), c.evalBatch()));
            Dataset<Row> p = spark.createDataFrame(predicted, schema);
            List<Column> cols = new ArrayList<>(List.of(col("id"), col("text"), col("text_pair"), col("label")));
            Column labelArray = org.apache.spark.sql.functions.array(labels.stream()
                    .map(org.apache.spark.sql.functions::lit).toArray(Column[]::new));
            cols.add(org.apache.spark.sql.functions.element_at(labelArray, col("predicted_id").plus(1)).alias("predicted_label"));
            cols.add(col("predicted_id"));
            for (int k = 0; k < labels.size(); k++) {
                cols.add(col("probabilities").getItem(k).alias("prob_" + labels.get(k)));
            }
            Dataset<Row> out = data.data().join(p, data.data().col("id").equalTo(p.col("pid")))
                    .select(cols.toArray(new Column[0])).orderBy("id");
            // Append: validation made sure the folder was new; overwrite mode would delete the _quarantine
            // folder the reader has just written into it.
            var writer = out.write().mode(SaveMode.Append);
            try (SparkProgress progress = SparkProgress.start(jsc.sc(), "predict", EvaluateJob.PROGRESS_SECONDS)) {
                if (c.outputFormat().equals("csv")) {
                    // RFC 4180: a quote inside a field is doubled (Spark's default escapes it with a backslash)
                    writer.option("header", "true").option("escape", "\"").option("quoteAll", "true").csv(c.output());
                } else {
                    writer.parquet(c.output());
                }
            }
            long n = data.rows().count();
            String line = String.format(Locale.ROOT, "wrote %d predictions (%s) to %s", n, c.outputFormat(), c.output());
            LOG.info(line);
            System.out.println(line);
            return n;
        } finally {
            params.unpersist(false);
        }
    }

    static final class Predict implements FlatMapFunction<Iterator<TrainingRow>, Row> {
        private final ModelSpec spec;
        private final Broadcast<float[]> params;
        private final long version;
        private final boolean dualCl;
        private final int padId;
        private final int batch;

        Predict(ModelSpec spec, Broadcast<float[]> params, long version, boolean dualCl, int padId, int batch) {
            this.spec = spec;
            this.params = params;
            this.version = version;
            this.dualCl = dualCl;
            this.padId = padId;
            this.batch = batch;
        }

        @Override
        public Iterator<Row> call(Iterator<TrainingRow> it) {
            List<TrainingRow> rows = new ArrayList<>();
            it.forEachRemaining(rows::add);
            if (rows.isEmpty()) {
                return java.util.Collections.emptyIterator();
            }
            BertEncoderModel model = ExecutorModels.get(spec, version, params.value());
            List<float[]> probs = RowPredictor.probabilities(model, rows, dualCl, padId, batch);
            List<Row> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                float[] p = probs.get(i);
                Float[] boxed = new Float[p.length];
                for (int k = 0; k < p.length; k++) {
                    boxed[k] = p[k];
                }
                out.add(RowFactory.create(rows.get(i).id(), RowPredictor.argmax(p),
                        scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(boxed)).toSeq()));
            }
            return out.iterator();
        }
    }
}
