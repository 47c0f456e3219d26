package io.sparkcl.job.shared;

import io.sparkcl.job.cluster.LoopbackCluster;
import io.sparkcl.job.train.ModelStart;
import io.sparkcl.job.train.SyntheticData;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.losses.Method;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SharedTrainer on the loopback standalone cluster (two executor JVMs, spark.authenticate=true): DL4J's parameter
 * server carries each executor's updates to the other and to the driver, and the driver's network is the trained
 * result. Runs in {@code mvn verify} (failsafe).
 */
class SharedTrainerOnClusterIT {
    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void theUpdatesCrossTheMeshAndTheDriverHoldsTheResult() throws Exception {
        List<TrainingRow> rows = SyntheticData.rows(64, SharedGraphTest.K, false, 31, 0);
        ModelStart start = SharedGraphTest.start(0.1, 3);
        SharedSettings s = SharedTrainerTest.settings(Method.SCL, 10);
        Path state = tmp.resolve("cluster");
        ClusterAuth.writeSecret(state, "shared-it-secret");
        List<SharedTrainer.Epoch> epochs = new ArrayList<>();
        float[] trained;
        try (LoopbackCluster cluster = LoopbackCluster.start(2, 1, "1g", System.getProperty("java.class.path"), state,
                Duration.ofMinutes(2))) {
            SparkConf conf = ClusterAuth.conf(cluster, "shared-it-secret", "sparkcl-shared-trainer");
            SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
            try {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                JavaRDD<TrainingRow> data = jsc.parallelize(rows, 2);
                SharedTrainer trainer = new SharedTrainer(jsc, s, SharedTrainer.layout(data, start.numLabels()), start,
                        rows.size(), 0, null);
                for (int e = 0; e < s.epochs(); e++) {
                    epochs.add(trainer.fit(data, e));
                }
                trained = trainer.params();
            } finally {
                spark.stop();
            }
        }
        epochs.forEach(e -> assertEquals(2, e.executors(), "both executors trained and answered: " + e));
        // each executor's parameter server received the other's updates (relayed by the driver, the mesh's root)
        assertTrue(epochs.stream().mapToLong(SharedTrainer.Epoch::fewestUpdatesReceived).sum() > 0,
                "an executor received none of the other's updates: " + epochs);
        double before = SharedTrainerTest.meanLoss(start, rows, s);
        double after = SharedTrainerTest.meanLoss(new ModelStart(start.config(), start.numLabels(), trained), rows, s);
        // the driver's network takes every executor's updates: measured 1.52 -> 1.19 (one JVM: 0.93, see
        // SharedTrainerTest); averaging the executors' copies, which miss many of each other's updates, reached
        // 1.32 to 1.51 (README-shared.md)
        assertTrue(after < 0.9 * before, "loss " + before + " -> " + after);
    }
}
