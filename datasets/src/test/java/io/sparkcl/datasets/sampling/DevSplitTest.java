package io.sparkcl.datasets.sampling;

import io.sparkcl.datasets.TestSupport;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.read.DatasetReader;
import io.sparkcl.datasets.read.ReadOptions;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.registry.DatasetRegistry;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The carved dev split on the real TREC training set (5,452 rows, 6 unbalanced classes). */
class DevSplitTest {
    private static SparkSession spark;
    private static ReadResult trec;
    private static Dataset<Row> train;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("dev-split");
        DatasetReader reader = new DatasetReader(spark, new ReadOptions(tmp.toUri().toString(), BadRowThreshold.count(0)));
        trec = reader.readSplit(DatasetRegistry.get("trec"), "train", TestSupport.sharedDataRoot());
        train = trec.data().cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<String> sortedIds(Dataset<Row> d) {
        return d.select("id").collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    }

    private static Map<Integer, Long> perClass(Dataset<Row> d) {
        Map<Integer, Long> m = new TreeMap<>();
        d.groupBy("label_id").count().collectAsList().forEach(r -> m.put(r.getInt(0), r.getLong(1)));
        return m;
    }

    @Test
    void carvesAStratifiedDisjointCappedDevSplitIndependentOfPartitioning() {
        long n = train.count();
        DevSplit rule = new DevSplit(0.1, 300);
        DevSplit.Carved one = rule.carve(train.repartition(1), 6, 5);
        DevSplit.Carved four = rule.carve(train.repartition(4), 6, 5);
        List<String> dev = sortedIds(one.dev());
        assertEquals(300, dev.size(), "10% of 5,452 is 545, capped at 300");
        assertEquals(300, one.devRows());
        assertEquals(dev, sortedIds(four.dev()), "the same rows whatever the partitioning");
        List<String> rest = sortedIds(one.train());
        assertEquals(n - 300, rest.size());
        Set<String> overlap = new HashSet<>(dev);
        overlap.retainAll(rest);
        assertTrue(overlap.isEmpty(), "dev and train are disjoint");
        // stratified: each class's dev share within one row of its exact share
        Map<Integer, Long> full = perClass(train);
        Map<Integer, Long> carved = perClass(one.dev());
        for (Map.Entry<Integer, Long> e : full.entrySet()) {
            double exact = 300.0 * e.getValue() / n;
            long got = carved.getOrDefault(e.getKey(), 0L);
            assertTrue(Math.abs(got - exact) < 1, "class " + e.getKey() + ": " + got + " vs " + exact);
            assertEquals(got, one.devRowsPerClass()[e.getKey()]);
        }
        assertTrue(one.dev().select("split").distinct().collectAsList().stream()
                .allMatch(r -> r.getString(0).equals("dev")));
        assertNotEquals(dev, sortedIds(rule.carve(train, 6, 6).dev()), "another seed carves other rows");
    }

    @Test
    void fractionBelowTheCapAndTheSamplingAfterwardsIsIndependent() {
        DevSplit.Carved c = new DevSplit(0.05, 1000).carve(train, 6, 1);
        assertEquals(Math.round(0.05 * train.count()), c.dev().count());
        // few-shot on the rest never picks a dev row
        Set<String> dev = new HashSet<>(sortedIds(c.dev()));
        assertTrue(sortedIds(Sampling.fewShot(c.train(), 50, 1)).stream().noneMatch(dev::contains));
    }

    @Test
    void quotasUseLargestRemaindersAndKeepEveryClassInTraining() {
        DevSplit rule = new DevSplit(0.5, 1000);
        // 10 rows: total 5; exact shares 3.5, 1.0, 0.5 -> floors 3, 1, 0; remainders .5, 0, .5 -> class 0 first
        assertArrayEquals(new long[]{4, 1, 0}, rule.quotas(new long[]{7, 2, 1}));
        // a class with one row keeps it in training
        assertArrayEquals(new long[]{0, 1}, new DevSplit(0.5, 1000).quotas(new long[]{1, 3}));
        assertArrayEquals(new long[]{0, 0}, new DevSplit(0, 1000).quotas(new long[]{10, 10}));
    }

    @Test
    void assignReportsOnTestAndNeverSelectsOnTheReportedSplit() {
        DevSplit rule = new DevSplit(0.1, 50);
        Dataset<Row> other = train.limit(30);
        // a dataset with a dev and a test split keeps both
        DevSplit.Splits both = rule.assign(train, other, other, trec.labels(), 1);
        assertEquals(train.count(), both.train().count());
        assertEquals("dataset dev split", both.report().get("dev_source"));
        // DualCL-style (no dev): dev carved from train, test reported
        DevSplit.Splits carved = rule.assign(train, null, other, trec.labels(), 1);
        assertEquals(50L, carved.dev().count());
        assertEquals(train.count() - 50, carved.train().count());
        assertEquals(30L, carved.test().count());
        assertEquals("carved from the training split", carved.report().get("dev_source"));
        // GLUE-style (test labels hidden): the dev split is reported, and the selection split is carved
        DevSplit.Splits glue = rule.assign(train, other, null, trec.labels(), 1);
        assertEquals(30L, glue.test().count());
        assertEquals(50L, glue.dev().count());
        assertTrue(String.valueOf(glue.report().get("test_source")).startsWith("dataset dev split"));
        // --dev-fraction 0: no selection split
        DevSplit.Splits none = new DevSplit(0, 50).assign(train, null, other, trec.labels(), 1);
        assertEquals(null, none.dev());
        assertEquals("final model", none.report().get("selection"));
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(IllegalArgumentException.class, () -> new DevSplit(1.0, 10));
        assertThrows(IllegalArgumentException.class, () -> new DevSplit(-0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> new DevSplit(0.1, 0));
    }
}
