package io.sparkcl.job.train;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.ckpt.CheckpointStore;
import io.sparkcl.job.train.ckpt.TrainingState;
import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resume after an interruption, NaN stop, evaluation and best/last checkpoints. */
class ResumeAndFaultsTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threadsWithRetries(2, 4);

    @TempDir
    Path tmp;

    @Test
    void interruptedAndResumedRunEndsWithTheSameParameters(JavaSparkContext jsc) {
        List<TrainingRow> rows = SyntheticData.rows(24, TrainTestSupport.K, false, 3, 0);
        List<TrainingRow> dev = SyntheticData.rows(9, TrainTestSupport.K, false, 4, 1000);
        ModelStart start = TrainTestSupport.tinyStart(0.1, 5);
        TrainConfig base = TrainTestSupport.withSchedule(TrainTestSupport.settings("scl", tmp.resolve("full"), 8, 4, 6),
                2, 2);
        TrainResult full = TrainTestSupport.trainOnSpark(jsc, base, TrainTestSupport.data(jsc, rows, dev, 2), start);

        TrainConfig broken = base.withRun(tmp.resolve("resumed").toUri().toString(), false);
        assertThrows(TrainingStoppedException.class, () -> TrainTestSupport.trainOnSpark(jsc, broken,
                TrainTestSupport.data(jsc, rows, dev, 2), start, InjectedFaults.stopAfter(2)));
        CheckpointStore store = new CheckpointStore(broken.run().output(), jsc.hadoopConfiguration());
        assertEquals(2, store.load("last").orElseThrow().nextStep(), "last checkpoint is at step 2 (every 2 steps)");

        TrainConfig resumed = base.withRun(broken.run().output(), true);
        TrainResult r = TrainTestSupport.trainOnSpark(jsc, resumed, TrainTestSupport.data(jsc, rows, dev, 2), start);
        double rel = TrainTestSupport.maxRelDiff(r.finalParams(), full.finalParams());
        assertTrue(rel <= 1e-6, "resumed run differs from the uninterrupted one by " + rel);
        assertEquals(6, TrainTestSupport.readMetrics(resumed, jsc).size(), "one metrics line per step, none twice");
        assertEquals(full.finalEval().get("dev").accuracy(), r.finalEval().get("dev").accuracy(), 1e-12);
    }

    @Test
    void aFailedAndRetriedTaskDoesNotChangeTheResult(JavaSparkContext jsc) {
        List<TrainingRow> rows = SyntheticData.rows(24, TrainTestSupport.K, true, 13, 0);
        ModelStart start = TrainTestSupport.tinyStart(0.1, 9);
        TrainConfig s = TrainTestSupport.settings("dualcl", tmp.resolve("clean"), 8, 4, 3);
        TrainResult clean = TrainTestSupport.trainOnSpark(jsc, s, TrainTestSupport.data(jsc, rows, null, 2), start);
        TrainConfig failing = s.withRun(tmp.resolve("failing").toUri().toString(), false);
        TrainResult retried = TrainTestSupport.trainOnSpark(jsc, failing, TrainTestSupport.data(jsc, rows, null, 2),
                start, InjectedFaults.failTaskAt(1));
        double rel = TrainTestSupport.maxRelDiff(retried.finalParams(), clean.finalParams());
        assertTrue(rel <= 1e-6, "a retried task changed the result by " + rel);
    }

    @Test
    void nanLossStopsTheRunNamingTheStepAndKeepsTheLastGoodCheckpoint(JavaSparkContext jsc) {
        List<TrainingRow> rows = SyntheticData.rows(24, TrainTestSupport.K, false, 3, 0);
        ModelStart start = TrainTestSupport.tinyStart(0.1, 5);
        TrainConfig s = TrainTestSupport.withSchedule(TrainTestSupport.settings("ce", tmp.resolve("nan"), 8, 4, 5), 0, 1);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> TrainTestSupport.trainOnSpark(
                jsc, s, TrainTestSupport.data(jsc, rows, null, 2), start, InjectedFaults.nanAt(2)));
        assertEquals(2, e.step());
        assertTrue(e.getMessage().contains("step 3"), e.getMessage());
        TrainingState last = new CheckpointStore(s.run().output(), jsc.hadoopConfiguration()).load("last").orElseThrow();
        assertEquals(2, last.nextStep());
        assertEquals(2, TrainTestSupport.readMetrics(s, jsc).size());
    }

    @Test
    void saveTotalLimitKeepsOlderResumableCheckpointsAndBestHoldsWeightsOnly(JavaSparkContext jsc) {
        List<TrainingRow> rows = SyntheticData.rows(24, TrainTestSupport.K, false, 3, 0);
        List<TrainingRow> dev = SyntheticData.rows(9, TrainTestSupport.K, false, 4, 1000);
        ModelStart start = TrainTestSupport.tinyStart(0.1, 5);
        TrainConfig s = TrainTestSupport.withSchedule(TrainTestSupport.settings("ce", tmp.resolve("kept"), 8, 4, 3), 1, 1)
                .toBuilder().set(ConfigKey.SAVE_TOTAL_LIMIT, 2).build();
        TrainTestSupport.trainOnSpark(jsc, s, TrainTestSupport.data(jsc, rows, dev, 2), start);
        Path checkpoints = tmp.resolve("kept").resolve("checkpoints");
        CheckpointStore store = new CheckpointStore(s.run().output(), jsc.hadoopConfiguration());
        assertEquals(3, store.load("last").orElseThrow().nextStep());
        assertEquals(2, store.load("last.1").orElseThrow().nextStep(), "the previous checkpoint is kept (limit 2)");
        assertFalse(Files.exists(checkpoints.resolve("last.2")), "no more than --save-total-limit are kept");
        assertTrue(Files.exists(checkpoints.resolve("last").resolve("optimizer.bin")));
        assertTrue(Files.exists(checkpoints.resolve("best").resolve("params.bin")));
        assertFalse(Files.exists(checkpoints.resolve("best").resolve("optimizer.bin")), "best is weights only");
    }

    @Test
    void bestCheckpointFollowsDevMacroF1(JavaSparkContext jsc) {
        List<TrainingRow> rows = SyntheticData.rows(24, TrainTestSupport.K, true, 8, 0);
        List<TrainingRow> dev = SyntheticData.rows(12, TrainTestSupport.K, true, 9, 1000);
        ModelStart start = TrainTestSupport.tinyStart(0.0, 6);
        TrainConfig s = TrainTestSupport.withSchedule(TrainTestSupport.settings("dualcl", tmp.resolve("best"), 8, 8, 4),
                1, 0);
        TrainResult r = TrainTestSupport.trainOnSpark(jsc, s, TrainTestSupport.data(jsc, rows, dev, 2), start);
        String evals = new io.sparkcl.job.train.report.RunFolder(s.run().output(), jsc.hadoopConfiguration())
                .readString("eval.jsonl");
        assertEquals(4, evals.lines().count(), "dev evaluated after steps 1, 2, 3 and at the end");
        double best = evals.lines().mapToDouble(l -> Double.parseDouble(l.replaceAll(".*\"macro_f1\":([-0-9.Ee]+).*", "$1")))
                .max().orElseThrow();
        assertEquals(best, r.bestMetric(), 1e-12);
        TrainingState bestCkpt = new CheckpointStore(s.run().output(), jsc.hadoopConfiguration()).load("best").orElseThrow();
        assertEquals(best, bestCkpt.bestMetric(), 1e-12);
        assertEquals(12, r.finalEval().get("dev").rows());
        assertArrayEquals(r.finalParams(),
                new CheckpointStore(s.run().output(), jsc.hadoopConfiguration()).load("last").orElseThrow().params());
    }
}
