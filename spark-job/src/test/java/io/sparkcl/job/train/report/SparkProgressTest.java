package io.sparkcl.job.train.report;

import io.sparkcl.job.train.LocalSpark;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A long scoring action reports rows scored out of the total, not finished tasks (issue 13, item 17). */
class SparkProgressTest {
    /** Heartbeats every 200 ms carry the accumulators of running tasks to the driver (the second test). */
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2)
            .with(b -> b.config("spark.executor.heartbeatInterval", "200ms"));

    @Test
    void countsTheRowsTheTasksScore(JavaSparkContext jsc) {
        try (SparkProgress p = SparkProgress.start(jsc.sc(), "evaluate test", 6, 1)) {
            assertTrue(p.line().startsWith("evaluate test: 0/6 rows scored after "), p.line());
            LongAccumulator scored = p.rowsScored();
            jsc.parallelize(List.of(1, 2, 3, 4, 5, 6), 2).foreachPartition(rows -> {
                while (rows.hasNext()) { // one "micro-batch" per row
                    rows.next();
                    Thread.sleep(100);
                    scored.add(1);
                }
            });
            assertTrue(p.line().startsWith("evaluate test: 6/6 rows scored after "), p.line());
            assertTrue(p.line().contains("rows/s"), p.line());
        }
    }

    /** Tasks in this JVM (local master) wait on it until the driver has seen their rows. */
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Test
    void seesTheRowsOfRunningTasksFromTheirHeartbeats(JavaSparkContext jsc) throws Exception {
        ExecutorService driver = Executors.newSingleThreadExecutor();
        try {
            try (SparkProgress p = SparkProgress.start(jsc.sc(), "predict", 8, 60)) {
                LongAccumulator scored = p.rowsScored();
                Future<?> job = driver.submit(() -> jsc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 2)
                        .foreachPartition(rows -> {
                            rows.forEachRemaining(r -> scored.add(1));
                            RELEASE.await(30, TimeUnit.SECONDS); // still running: only heartbeats carry the rows
                        }));
                long until = System.currentTimeMillis() + 20_000;
                while (p.rows() < 8 && System.currentTimeMillis() < until) {
                    Thread.sleep(50);
                }
                assertFalse(job.isDone(), "the tasks were still running");
                assertTrue(p.line().startsWith("predict: 8/8 rows scored after "), p.line());
                RELEASE.countDown();
                job.get(30, TimeUnit.SECONDS);
                assertTrue(p.line().startsWith("predict: 8/8 rows scored after "), p.line());
            }
        } finally {
            RELEASE.countDown();
            driver.shutdownNow();
        }
    }
}
