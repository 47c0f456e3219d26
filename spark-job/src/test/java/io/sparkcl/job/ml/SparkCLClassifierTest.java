package io.sparkcl.job.ml;

import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.train.LocalSpark;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML API on the tiny random encoder: fit → transform → save → load, and inside a saved Pipeline. */
class SparkCLClassifierTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    @TempDir
    static Path tmp;

    private static List<String> texts(int n) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add(i % 2 == 0 ? "a great and fun film number " + i : "a dull and boring plot number " + i);
        }
        return t;
    }

    private static SparkCLClassifier tinyClassifier(String method, Path run) {
        return new SparkCLClassifier()
                .setOption("model", "tiny-random")
                .setOption("method", method)
                .setOption("steps", 3)
                .setOption("global-batch", "8")
                .setOption("micro-batch", 4)
                .setOption("lr", "1e-3")
                .setOption("max-length", 24)
                .setOption("eval-batch", 5)
                .setOption("output", run.toUri().toString());
    }

    @Test
    void fitTransformSaveLoadGivesIdenticalPredictions(SparkSession spark) throws Exception {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("text", DataTypes.StringType)
                .add("label", DataTypes.StringType);
        List<String> texts = texts(20);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create(i, texts.get(i), i % 2 == 0 ? "pos" : "neg"));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema).repartition(3);

        SparkCLModel model = tinyClassifier("ce", tmp.resolve("run-ce")).setPooledFeatureCol("z").fit(df);
        assertEquals(List.of("neg", "pos"), model.labels());
        assertTrue(Files.exists(tmp.resolve("run-ce/model/README.md")), "the run folder holds the model and its card");
        List<Row> out = model.transform(df).orderBy("id").collectAsList();
        assertEquals(20, out.size());

        // the same numbers as the fine-tuned model's own batched inference on the driver
        float[][] driver = model.fineTunedModel().predict(texts, null, 7).probabilities();
        for (Row r : out) {
            int id = r.getInt(0);
            double[] p = r.<Vector>getAs("probability").toArray();
            assertEquals(1.0, p[0] + p[1], 1e-6);
            assertEquals(driver[id][0], p[0], 1e-6, "row " + id);
            assertEquals(p[1] > p[0] ? 1.0 : 0.0, r.<Double>getAs("prediction"), "prediction = class index");
            assertEquals(32, r.<Vector>getAs("z").size(), "pooled feature of the tiny encoder");
            assertEquals(texts.get(id), r.getAs("text"), "input columns are kept");
        }

        String path = tmp.resolve("saved-ce").toUri().toString();
        model.write().save(path);
        SparkCLModel loaded = SparkCLModel.load(path);
        assertEquals(model.uid(), loaded.uid());
        List<Row> again = loaded.transform(df).orderBy("id").collectAsList();
        for (int i = 0; i < out.size(); i++) {
            assertArrayEquals(out.get(i).<Vector>getAs("probability").toArray(),
                    again.get(i).<Vector>getAs("probability").toArray(), "row " + i + " after save/load");
            assertEquals(out.get(i).<Double>getAs("prediction"), again.get(i).<Double>getAs("prediction"));
            assertArrayEquals(out.get(i).<Vector>getAs("z").toArray(), again.get(i).<Vector>getAs("z").toArray());
        }
    }

    @Test
    void aSavedPipelineWithAnSqlStageBeforeTheEstimatorPredictsTheSameAfterLoading(SparkSession spark)
            throws Exception {
        StructType schema = new StructType().add("title", DataTypes.StringType).add("body", DataTypes.StringType)
                .add("rating", DataTypes.DoubleType);
        List<String> texts = texts(16);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create("review " + i, texts.get(i), i % 2 == 0 ? 1.0 : 0.0));
        }
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        SQLTransformer join = new SQLTransformer()
                .setStatement("SELECT *, concat(title, ' : ', body) AS review_text FROM __THIS__");
        SparkCLClassifier clf = tinyClassifier("dualcl", tmp.resolve("run-dualcl"))
                .setOption("text-column", "review_text")
                .setOption("label-column", "rating");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[]{join, clf});

        PipelineModel fitted = pipeline.fit(df);
        SparkCLModel model = (SparkCLModel) fitted.stages()[1];
        assertEquals(List.of("0", "1"), model.labels(), "numeric labels in numeric order");
        assertEquals("review_text", model.getOrDefault(model.getParam("text-column")));
        List<Row> out = fitted.transform(df).orderBy("title").collectAsList();
        for (Row r : out) {
            double[] p = r.<Vector>getAs("probability").toArray();
            assertEquals(p[1] > p[0] ? 1.0 : 0.0, r.<Double>getAs("prediction"), "prediction = the numeric label");
        }

        String path = tmp.resolve("pipeline").toUri().toString();
        fitted.write().save(path);
        List<Row> again = PipelineModel.load(path).transform(df).orderBy("title").collectAsList();
        assertEquals(out.size(), again.size());
        for (int i = 0; i < out.size(); i++) {
            assertArrayEquals(out.get(i).<Vector>getAs("probability").toArray(),
                    again.get(i).<Vector>getAs("probability").toArray(), "row " + i + " after pipeline save/load");
        }

        // the unfitted pipeline (estimator params included) round-trips too
        String unfitted = tmp.resolve("pipeline-unfitted").toUri().toString();
        pipeline.write().save(unfitted);
        SparkCLClassifier reloaded = (SparkCLClassifier) Pipeline.load(unfitted).getStages()[1];
        assertEquals(8, reloaded.getOption("global-batch"));
        assertEquals("dualcl", reloaded.getOption("method"));
        assertEquals(null, reloaded.getOption("lambda"), "unset: the command line's default applies");
    }

    @Test
    void optionsAreTheCommandLinesWithItsParsingAndValidation() {
        SparkCLClassifier clf = new SparkCLClassifier();
        assertTrue(clf.optionNames().containsAll(List.of("global-batch", "micro-batch", "lambda", "tau", "method",
                "text-column", "text-pair-column", "label-column", "labels", "output")), clf.optionNames().toString());
        assertTrue(!clf.optionNames().contains("train-file") && !clf.optionNames().contains("master"));
        assertTrue(clf.explainParams().contains("global-batch: Rows per optimizer step"), clf.explainParams());

        ConfigException type = assertThrows(ConfigException.class, () -> clf.setOption("global-batch", "many"));
        assertTrue(type.getMessage().contains("--global-batch"), type.getMessage());

        StructType schema = new StructType().add("text", DataTypes.StringType).add("label", DataTypes.StringType);
        clf.setOption("lambda", 1.5);
        ConfigException range = assertThrows(ConfigException.class, () -> clf.transformSchema(schema));
        assertTrue(range.getMessage().contains("--lambda") && range.getMessage().contains("[0,1]"), range.getMessage());

        clf.setOption("lambda", 0.5).setOption("text-column", "sentence");
        ConfigException column = assertThrows(ConfigException.class, () -> clf.transformSchema(schema));
        assertTrue(column.getMessage().contains("sentence") && column.getMessage().contains("[text, label]"),
                column.getMessage());
    }
}
