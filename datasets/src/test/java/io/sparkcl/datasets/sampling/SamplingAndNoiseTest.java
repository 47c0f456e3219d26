package io.sparkcl.datasets.sampling;

import io.sparkcl.datasets.TestSupport;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Few-shot, stratified fraction and label noise on the real TREC and SST-2 (DualCL) training sets. */
class SamplingAndNoiseTest {
    private static SparkSession spark;
    private static ReadResult trec;
    private static Dataset<Row> trecTrain;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("sampling");
        DatasetReader reader = new DatasetReader(spark, new ReadOptions(tmp.toUri().toString(), BadRowThreshold.count(0)));
        trec = reader.readSplit(DatasetRegistry.get("trec"), "train", TestSupport.sharedDataRoot());
        trecTrain = trec.data().cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<String> sortedIds(Dataset<Row> d) {
        return d.select("id").collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    }

    private static Map<String, Long> perClass(Dataset<Row> d) {
        Map<String, Long> m = new TreeMap<>();
        d.groupBy("label").count().collectAsList().forEach(r -> m.put(r.getString(0), r.getLong(1)));
        return m;
    }

    @Test
    void fewShotGivesExactlyNPerClassWhateverThePartitioning() {
        Dataset<Row> one = Sampling.fewShot(trecTrain.repartition(1), 16, 42);
        Dataset<Row> four = Sampling.fewShot(trecTrain.repartition(4), 16, 42);
        Map<String, Long> expected = new TreeMap<>();
        trec.labels().forEach(l -> expected.put(l, 16L));
        assertEquals(expected, perClass(one));
        List<String> ids = sortedIds(one);
        assertEquals(6 * 16, ids.size());
        assertEquals(ids, sortedIds(four));
        assertNotEquals(ids, sortedIds(Sampling.fewShot(trecTrain, 16, 43)), "another seed picks other rows");
        // a class smaller than N keeps all its rows: abbreviation has 86
        assertEquals(86L, perClass(Sampling.fewShot(trecTrain, 100, 1)).get("abbreviation"));
    }

    @Test
    void stratifiedFractionKeepsEachClassShare() {
        Dataset<Row> tenth = Sampling.stratifiedFraction(trecTrain.repartition(3), 0.1, 7);
        Map<String, Long> full = perClass(trecTrain);
        Map<String, Long> expected = new TreeMap<>();
        full.forEach((k, v) -> expected.put(k, Math.max(1, Math.round(v * 0.1))));
        assertEquals(expected, perClass(tenth));
        assertEquals(sortedIds(tenth), sortedIds(Sampling.stratifiedFraction(trecTrain.repartition(1), 0.1, 7)));
    }

    @Test
    void labelNoiseFlipsExactlyTheFractionUniformlyAndDeterministically() {
        double fraction = 0.5;
        Dataset<Row> noisy = LabelNoise.apply(trecTrain.repartition(4), trec.labels(), fraction, 11).cache();
        long n = trecTrain.count();
        List<Row> flipped = noisy.filter("label <> label_original").collectAsList();
        assertEquals(Math.round(fraction * n), flipped.size());
        assertEquals(n, noisy.count());
        // label_id agrees with label everywhere
        for (Row r : noisy.select("label", "label_id").distinct().collectAsList()) {
            assertEquals(trec.labels().indexOf(r.getString(0)), r.getInt(1));
        }
        // same seed, other partitioning: the same flips to the same classes
        Dataset<Row> again = LabelNoise.apply(trecTrain.repartition(1), trec.labels(), fraction, 11);
        assertEquals(noisy.select("id", "label").orderBy("id").collectAsList(),
                again.select("id", "label").orderBy("id").collectAsList());
        // the new class is uniform over the other 5: flips out of 'entity' (about 625) spread ~125 each
        Map<String, Integer> fromEntity = new HashMap<>();
        for (Row r : flipped) {
            if (r.getAs("label_original").equals("entity")) {
                fromEntity.merge(r.getAs("label"), 1, Integer::sum);
            }
        }
        int total = fromEntity.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(5, fromEntity.size());
        for (int c : fromEntity.values()) {
            assertTrue(Math.abs(c - total / 5.0) < 4 * Math.sqrt(total / 5.0), "not uniform: " + fromEntity);
        }
        // flips are spread over classes in proportion to their size (about half of each class)
        long entity = trecTrain.filter("label = 'entity'").count();
        assertTrue(Math.abs(total - entity / 2.0) < 4 * Math.sqrt(entity / 4.0), total + " of " + entity);
        assertNotEquals(sortedIds(noisy.filter("label <> label_original")),
                sortedIds(LabelNoise.apply(trecTrain, trec.labels(), fraction, 12).filter("label <> label_original")));
    }

    @Test
    void zeroNoiseKeepsLabels() {
        Dataset<Row> same = LabelNoise.apply(trecTrain, trec.labels(), 0.0, 1);
        assertEquals(0, same.filter("label <> label_original").count());
    }

    @Test
    void dualclLabelOrderIsFixedAtEvaluationAndSeededPerExampleAtTraining() {
        List<String> names = trec.labels();
        Dataset<Row> sample = Sampling.fewShot(trecTrain, 20, 3);
        List<Row> eval = LabelAwareInput.forEvaluation(sample, names).select("label_names", "label_order").collectAsList();
        for (Row r : eval) {
            assertEquals(names, r.getList(0));
            assertEquals(List.of(0, 1, 2, 3, 4, 5), r.getList(1));
        }
        List<Row> epoch0 = LabelAwareInput.forTraining(sample.repartition(4), names, 5, 0)
                .select("id", "label_names", "label_order").orderBy("id").collectAsList();
        List<Row> epoch0Again = LabelAwareInput.forTraining(sample.repartition(1), names, 5, 0)
                .select("id", "label_names", "label_order").orderBy("id").collectAsList();
        List<Row> epoch1 = LabelAwareInput.forTraining(sample, names, 5, 1)
                .select("id", "label_names", "label_order").orderBy("id").collectAsList();
        assertEquals(epoch0, epoch0Again);
        int changed = 0;
        int identity = 0;
        for (int i = 0; i < epoch0.size(); i++) {
            List<Integer> order = epoch0.get(i).getList(2);
            List<String> shown = epoch0.get(i).getList(1);
            int[] sorted = order.stream().mapToInt(Integer::intValue).sorted().toArray();
            assertEquals(Arrays.toString(new int[]{0, 1, 2, 3, 4, 5}), Arrays.toString(sorted), "a permutation");
            for (int j = 0; j < order.size(); j++) {
                assertEquals(names.get(order.get(j)), shown.get(j), "label_names[j] = names[label_order[j]]");
            }
            if (!order.equals(epoch1.get(i).getList(2))) {
                changed++;
            }
            if (order.equals(List.of(0, 1, 2, 3, 4, 5))) {
                identity++;
            }
        }
        assertTrue(changed > epoch0.size() * 0.9, "epochs reshuffle: " + changed + " of " + epoch0.size());
        assertTrue(identity < 5, "training order is shuffled");
    }
}
