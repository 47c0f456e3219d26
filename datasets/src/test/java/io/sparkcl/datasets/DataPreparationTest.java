package io.sparkcl.datasets;

import io.sparkcl.datasets.sampling.DevSplit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataPreparationTest {
    private static SparkSession spark;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("data-preparation");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void registryDatasetWithFewShotAndLabelNoise() {
        DataRequest req = new DataRequest("trec", TestSupport.sharedData().getPath(), null, null, null, null, null,
                null, null, null, Map.of("abbreviation", "abbr"), "0", tmp.resolve("q1").toString(),
                10, 1.0, 0.1, 5, null, null);
        PreparedData d = DataPreparation.prepare(spark, req);
        assertEquals(60, d.train().count());
        assertEquals(6, d.train().filter("label <> label_original").count()); // round(0.1 * 60)
        assertEquals(List.of("test"), List.copyOf(d.evaluation().keySet()));
        assertEquals(500, d.evaluation().get("test").count());
        assertEquals(List.of("description", "entity", "abbr", "human", "location", "numeric"), d.labelNames());
        assertEquals(2, d.quarantine().splits().size());
        assertEquals(0, d.quarantine().totalBadRows());
    }

    @Test
    void devSplitRuleCarvesDevRowsBeforeSampling() {
        DataRequest req = new DataRequest("trec", TestSupport.sharedData().getPath(), null, null, null, null, null,
                null, null, null, null, "0", tmp.resolve("q4").toString(), 10, 1.0, 0.0, 5, new DevSplit(0.1, 1000), null);
        long allTrain = DataPreparation.readSplit(spark, req, "train").data().count();
        PreparedData d = DataPreparation.prepare(spark, req);
        Dataset<Row> dev = d.dev();
        assertEquals(Math.min(Math.round(0.1 * allTrain), 1000), dev.count());
        assertEquals(500, d.test().count());
        assertEquals(60, d.train().count());
        assertEquals(0, d.train().select("id").intersect(dev.select("id")).count(), "dev rows are never trained on");
        assertEquals("carved from the training split", d.splits().get("dev_source"));
        assertEquals(dev.count(), ((Number) d.splits().get("dev_rows_carved")).longValue());
    }

    @Test
    void devSplitRuleReportsOnGlueDevAndCarvesSelectionRows() {
        DataRequest plain = DataRequest.registry("glue-rte", TestSupport.sharedData().getPath(),
                tmp.resolve("q5").toString(), 1);
        long glueDev = DataPreparation.prepare(spark, plain).dev().count();
        DataRequest req = new DataRequest("glue-rte", TestSupport.sharedData().getPath(), null, null, null, null,
                null, null, null, null, null, null, tmp.resolve("q6").toString(), 0, 1.0, 0.0, 1,
                new DevSplit(0.1, 100), null);
        PreparedData d = DataPreparation.prepare(spark, req);
        assertEquals(glueDev, d.test().count(), "without test labels the dataset's dev split is reported");
        assertEquals(100, d.dev().count());
        assertEquals(2490 - 100, d.train().count());
    }

    @Test
    void glueTaskKeepsOnlyLabelledEvaluationSplits() {
        PreparedData d = DataPreparation.prepare(spark, DataRequest.registry("glue-rte",
                TestSupport.sharedData().getPath(), tmp.resolve("q2").toString(), 1));
        assertEquals(List.of("dev"), List.copyOf(d.evaluation().keySet()));
        assertEquals(List.of("entailment", "not entailment"), d.labelNames());
        assertEquals(2490, d.train().count());
    }

    @Test
    void userFilesShareTheTrainingLabelOrderAndReportBadRows() throws IOException {
        Path train = tmp.resolve("train.jsonl");
        Files.writeString(train, "{\"text\": \"good\", \"label\": \"pos\"}\n{\"text\": \"bad\", \"label\": \"neg\"}\n"
                + "{\"text\": \"fine\", \"label\": \"pos\"}\n");
        Path dev = tmp.resolve("dev.csv");
        Files.writeString(dev, "text,label\nnice,pos\nawful,neg\nhuh,other\n");
        DataRequest req = new DataRequest("reviews", null, train.toString(), dev.toString(), null, null, null, null,
                null, null, null, "1", tmp.resolve("q3").toString(), 0, 1.0, 0.0, 1, null, null);
        PreparedData d = DataPreparation.prepare(spark, req);
        assertEquals(List.of("neg", "pos"), d.labels());
        List<Row> devRows = d.evaluation().get("dev").orderBy("id").collectAsList();
        assertEquals(List.of(1, 0), devRows.stream().map(r -> r.getInt(4)).toList());
        assertEquals(Map.of("unknown_label", 1L), d.quarantine().badByReason());
        assertTrue(d.quarantine().toMap().toString().contains("reviews"), d.quarantine().toMap().toString());
    }
}
