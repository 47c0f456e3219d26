package io.sparkcl.job.train.report;

import io.sparkcl.job.train.exec.FlatParams;
import io.sparkcl.job.SparkClMain;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.job.train.ModelExport;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.ConfusionMatrix;
import io.sparkcl.job.train.eval.DistributedEvaluator;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluation's scoring tasks count their rows into the progress line, up to the total (issue 13, item 17). */
class ScoringProgressTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    @TempDir
    Path tmp;

    @Test
    void evaluationCountsEveryScoredRow() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            rows.append("{\"text\": \"row ").append(i).append("\", \"label\": \"").append(i % 2 == 0 ? "a" : "b")
                    .append("\"}\n");
        }
        Path train = Files.writeString(tmp.resolve("train.jsonl"), rows.toString());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkClMain.run(new String[]{"train", "--model", "tiny-random", "--train-file", train.toString(),
                "--method", "ce", "--steps", "1", "--global-batch", "4", "--max-length", "8", "--partitions", "1",
                "--output", tmp.resolve("run").toString()}, new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

        JavaSparkContext jsc = SPARK.jsc(); // after the CLI run, which stops the session it used
        FineTunedModel model = ModelExport.load(tmp.resolve("run/model").toString(), jsc.hadoopConfiguration());
        ModelSpec spec = ModelSpec.of(model);
        Broadcast<FlatParams> params = jsc.broadcast(FlatParams.of(model.parameters().flat()));
        List<TrainingRow> data = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            data.add(new TrainingRow(i, "r" + i, new int[]{1, 5 + i, 2, 0}, new int[]{1, 1, 1, 0}, new int[4],
                    null, i % 2));
        }
        try (SparkProgress p = SparkProgress.start(jsc.sc(), "evaluate test", data.size(), 60)) {
            ConfusionMatrix cm = DistributedEvaluator.confusion(jsc.parallelize(data, 3), spec, params, 1L, 0, 2,
                    p.rowsScored());
            assertEquals(7, p.rowsScored().value(), "every row of every micro-batch of every task");
            assertTrue(p.line().startsWith("evaluate test: 7/7 rows scored after "), p.line());
            assertEquals(7, cm.total());
        }
    }
}
