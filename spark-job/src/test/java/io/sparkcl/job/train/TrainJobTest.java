package io.sparkcl.job.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.datasets.read.IdColumn;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.InferenceInput;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.Predictions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole job on real data (dualcl/CR, few-shot) with the tiny random encoder: run folder contents. */
class TrainJobTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    @TempDir
    static Path tmp;

    static TrainConfig sst2Settings(Path out, String method) {
        return TrainConfig.builder().dataset("cr").dataDir(TestData.dataDir()).set(ConfigKey.MAX_BAD_ROWS, "0.01")
                .model("tiny-random").method(method).lambda(0.1).tau(0.1).globalBatch(8).microBatch(4).steps(3)
                .lr(1e-3).set(ConfigKey.WARMUP, 0.0).maxLength(32).set(ConfigKey.DROPOUT, 0.1).seed(42)
                .set(ConfigKey.FEW_SHOT, 6).set(ConfigKey.EVAL_EVERY, 2L).set(ConfigKey.CHECKPOINT_EVERY, 2L)
                .set(ConfigKey.LOG_EVERY, 1L).output(out.toUri().toString()).partitions(2).build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void dualClRunWritesAFullRunFolderAndALoadableModel(SparkSession spark) throws Exception {
        Path out = tmp.resolve("run-dualcl");
        TrainSummary summary = TrainJob.run(sst2Settings(out, "dualcl"), spark);
        assertEquals(3, summary.steps());
        for (String f : List.of("config.yaml", "trainer.json", "data.json", "metrics.jsonl", "eval.jsonl",
                "summary.json", "model/config.json", "model/README.md", "model/model.safetensors", "checkpoints/last/state.json")) {
            assertTrue(Files.exists(out.resolve(f)), f + " missing from the run folder");
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> data = json.readValue(out.resolve("data.json").toFile(), Map.class);
        assertEquals(12, ((Number) data.get("train_rows")).intValue(), "6 per class, 2 classes");
        assertEquals(376, ((Number) data.get("test_rows")).intValue());
        // cr has no dev split: 10% of its 3,394 training rows are carved for selection, before few-shot sampling
        assertEquals("carved from the training split", data.get("dev_source"));
        assertEquals(339, ((Number) data.get("dev_rows")).intValue());
        assertEquals(0, ((Number) data.get("bad_rows")).intValue());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(3, metrics.size());
        for (String line : metrics) {
            Map<String, Object> m = json.readValue(line, Map.class);
            long perTask = ((Number) m.get("grad_bytes_per_task")).longValue();
            long sent = ((Number) m.get("grad_bytes_sent")).longValue();
            // 2 partitions: the step's traffic is both tasks' gradients, the largest of them at least once
            assertTrue(perTask > 0 && sent >= perTask && sent <= 2 * perTask, line);
        }
        Map<String, Object> s = json.readValue(out.resolve("summary.json").toFile(), Map.class);
        double acc = ((Number) ((Map<String, Object>) ((Map<String, Object>) s.get("final_eval")).get("test"))
                .get("accuracy")).doubleValue();
        assertEquals(summary.testAccuracy(), acc, 1e-12);
        Map<String, Object> selection = (Map<String, Object>) s.get("model_selection");
        assertEquals(summary.bestStep(), ((Number) selection.get("step")).longValue());
        assertTrue(String.valueOf(selection.get("rule")).startsWith("best dev macro-F1"), selection.toString());
        assertTrue(Files.exists(out.resolve("curves.png")));
        assertTrue(acc > 0.3 && acc < 0.7, "a 3-step tiny random model is near chance, got " + acc);

        String card = Files.readString(out.resolve("model/README.md"));
        assertTrue(card.contains("| base model | tiny-random |") && card.contains("| test | 376 |"), card);
        FineTunedModel model = FineTunedModel.load(out.resolve("model"));
        assertEquals(ClassifierHead.DUALCL, model.head());
        assertEquals(data.get("labels"), model.labels());
        assertEquals(2, model.labels().size());
        Predictions p = model.predict(List.of("a great movie", "a dull mess"), null, 2);
        assertEquals(2, p.size());
        assertEquals(1.0, p.probabilities()[0][0] + p.probabilities()[0][1], 1e-5);

        // evaluate: the saved model on the test split gives the run's final test numbers
        String modelDir = out.resolve("model").toUri().toString();
        io.sparkcl.job.train.eval.EvalMetrics m = EvaluateJob.run(new io.sparkcl.job.config.EvaluateConfig(
                new InferenceInput(modelDir, "cr", "test", TestData.dataDir(), ConfigKey.DEV_FILE, null, null, "text",
                        null, "label", null, "0.01", 32, 2), 64, null, null), spark);
        assertEquals(summary.testAccuracy(), m.accuracy(), 1e-12);
        assertEquals(376, m.rows());

        // predict: CSV with one row per input, probabilities summing to 1, same accuracy
        Path predictions = tmp.resolve("predictions");
        long n = PredictJob.run(new io.sparkcl.job.config.PredictConfig(
                new InferenceInput(modelDir, "cr", "test", TestData.dataDir(), ConfigKey.INPUT, null, null, "text",
                        null, "label", IdColumn.givenOrDefault(null), "0.01", 32, 2), 64, predictions.toUri().toString(), "csv", null),
                spark);
        assertEquals(376, n);
        var rows = spark.read().option("header", "true").csv(predictions.toString()).collectAsList();
        assertEquals(376, rows.size());
        long correct = 0;
        for (var r : rows) {
            double sum = 0;
            for (String label : model.labels()) {
                sum += Double.parseDouble(r.getAs("prob_" + label));
            }
            assertEquals(1.0, sum, 1e-4);
            if (r.<String>getAs("label").equals(r.getAs("predicted_label"))) {
                correct++;
            }
        }
        assertEquals(m.accuracy(), correct / 376.0, 1e-12);
    }
}
