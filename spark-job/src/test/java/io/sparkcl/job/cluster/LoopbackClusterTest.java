package io.sparkcl.job.cluster;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/** A real standalone master and 2 workers on 127.0.0.1, a job from this JVM, a lost executor, a clean stop. */
class LoopbackClusterTest {
    @TempDir
    Path state;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsAJobSurvivesALostExecutorAndStopsEverything() {
        List<ProcessHandle> started;
        try (LoopbackCluster cluster = LoopbackCluster.start(2, System.getProperty("java.class.path"), state)) {
            assertEquals(2, cluster.aliveWorkers());
            assertTrue(cluster.masterUrl().matches("spark://127\\.0\\.0\\.1:\\d+"));
            SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("loopback-test")
                    .set("spark.executor.memory", "512m").set("spark.cores.max", "2")
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                List<Integer> data = IntStream.range(0, 1000).boxed().toList();
                assertEquals(499500L, sc.parallelize(data, 4).map(x -> (long) x).reduce(Long::sum));
                awaitExecutors(cluster, 0);
                // the first job may finish on one executor while the other is still registering on a busy machine
                awaitUntil(() -> sc.sc().getExecutorMemoryStatus().size() - 1 >= 2, Duration.ofSeconds(60));
                assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "one executor per worker");

                assertTrue(cluster.killExecutors(0) >= 1, "worker 0 had an executor to kill");
                // Spark replaces the lost executor; the next job still completes with the right answer.
                assertEquals(1000L, sc.parallelize(data, 4).count());
            }
            started = cluster.processes();
            assertTrue(started.size() >= 3, "master and 2 workers: " + started.size());
        }
        for (ProcessHandle p : started) {
            assertFalse(p.isAlive(), "process " + p.pid() + " still running after close()");
        }
    }

    private static void awaitExecutors(LoopbackCluster cluster, int worker) {
        awaitUntil(() -> !cluster.executorPids(worker).isEmpty(), Duration.ofSeconds(30));
    }

    private static void awaitUntil(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
