package io.sparkcl.job.train;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance: K steps of exact global-batch training on Spark with 1 and 3 partitions end with the same
 * parameters as the plain single-JVM loop (one full-batch forward/backward per step) over the same global
 * batches, for ce, scl and dualcl, with dropout on (so pass 2 must replay pass 1's masks) and micro-batches
 * smaller than the shards.
 */
class ExactModeEquivalenceTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(3);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"ce", "scl", "dualcl"})
    void oneAndThreePartitionsMatchTheSingleJvmLoop(String method, JavaSparkContext jsc) {
        boolean dual = method.equals("dualcl");
        List<TrainingRow> rows = SyntheticData.rows(30, TrainTestSupport.K, dual, 11, 0);
        ModelStart start = TrainTestSupport.tinyStart(0.1, 7);
        // 30 rows, B = 12: 2 steps per epoch (6 rows dropped per epoch), 3 steps cross an epoch boundary
        TrainConfig s = TrainTestSupport.settings(method, tmp.resolve("ref"), 12, 4, 3);

        List<Double> refLosses = new ArrayList<>();
        float[] reference = new LocalReferenceTrainer(s, rows, start).train(SyntheticData.PAD, refLosses);

        for (int partitions : new int[]{1, 3}) {
            TrainConfig sp = s.withRun(tmp.resolve("p" + partitions).toUri().toString(), false);
            TrainResult r = TrainTestSupport.trainOnSpark(jsc, sp, TrainTestSupport.data(jsc, rows, null, partitions), start);
            double rel = TrainTestSupport.maxRelDiff(r.finalParams(), reference);
            System.out.printf("equivalence %s, %d partition(s): max relative parameter difference %.3g%n", method,
                    partitions, rel);
            assertTrue(rel < 1e-5, method + " with " + partitions + " partitions: max relative parameter difference "
                    + rel + " (norm-relative " + TrainTestSupport.relNorm(r.finalParams(), reference) + ")");
            assertTrue(TrainTestSupport.relNorm(r.finalParams(), start.params()) > 1e-4,
                    "training must have moved the parameters");
            List<Map<String, Object>> metrics = TrainTestSupport.readMetrics(sp, jsc);
            assertEquals(3, metrics.size());
            for (int i = 0; i < 3; i++) {
                double loss = ((Number) metrics.get(i).get("loss")).doubleValue();
                assertEquals(refLosses.get(i), loss, 1e-5 * Math.abs(refLosses.get(i)),
                        method + " step " + (i + 1) + " loss, " + partitions + " partitions");
                double parts = num(metrics.get(i), "ce_weight") * num(metrics.get(i), "ce")
                        + num(metrics.get(i), "contrastive_weight") * num(metrics.get(i), "contrastive");
                assertEquals(loss, parts, 1e-9);
                if (!method.equals("ce")) {
                    assertTrue(((Number) metrics.get(i).get("contrastive")).doubleValue() > 0, "contrastive part is used");
                }
            }
        }
    }

    /**
     * Keeping pass 1's activations for pass 2 changes no number, only which forwards pass 2 runs again: one partition,
     * so each step's shard is 12 rows in 3 micro-batches of 4.
     */
    @Test
    void keptMicroBatchesReuseActivationsWithoutChangingTheResult(JavaSparkContext jsc) {
        List<TrainingRow> rows = SyntheticData.rows(30, TrainTestSupport.K, true, 11, 0);
        ModelStart start = TrainTestSupport.tinyStart(0.1, 7);
        TrainConfig base = TrainTestSupport.settings("dualcl", tmp.resolve("base"), 12, 4, 3);
        float[] recomputeAll = null;
        for (int kept : new int[]{0, 2, 5}) {
            TrainConfig c = base.toBuilder().set(ConfigKey.KEPT_MICRO_BATCHES, kept)
                    .output(tmp.resolve("kept" + kept).toUri().toString()).build();
            TrainResult r = TrainTestSupport.trainOnSpark(jsc, c, TrainTestSupport.data(jsc, rows, null, 1), start);
            List<Map<String, Object>> metrics = TrainTestSupport.readMetrics(c, jsc);
            for (Map<String, Object> m : metrics) {
                assertEquals(Math.min(kept, 3), num(m, "kept_forwards"), 0, "kept " + kept + ": " + m);
                assertEquals(3 - Math.min(kept, 3), num(m, "recomputed_forwards"), 0, "kept " + kept + ": " + m);
            }
            // 2 steps per epoch: an epoch's first step fetches its rows, the second got them with the first
            assertEquals(List.of(1.0, 0.0, 1.0), metrics.stream().map(m -> num(m, "batch_rows_fetched")).toList());
            if (recomputeAll == null) {
                recomputeAll = r.finalParams();
            } else {
                assertArrayEquals(recomputeAll, r.finalParams(), "kept " + kept + " must give the same parameters");
            }
        }
    }

    static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }
}
