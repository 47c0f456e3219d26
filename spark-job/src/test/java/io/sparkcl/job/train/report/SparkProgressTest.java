package io.sparkcl.job.train.report;

import io.sparkcl.job.train.TestSpark;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A long action reports finished tasks (issue 13, item 17). */
class SparkProgressTest {

    @Test
    void countsTheTasksOfTheActionsRunWhileOpen() throws InterruptedException {
        SparkSession spark = TestSpark.local(2);
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            try (SparkProgress p = SparkProgress.start(spark.sparkContext(), "evaluate test", 1)) {
                jsc.parallelize(List.of(1, 2, 3, 4, 5, 6), 3).map(i -> {
                    Thread.sleep(200);
                    return i;
                }).count();
                // the listener bus delivers task ends asynchronously
                long until = System.currentTimeMillis() + 10_000;
                while (!p.line().startsWith("evaluate test: 3/3 tasks done") && System.currentTimeMillis() < until) {
                    Thread.sleep(50);
                }
                assertTrue(p.line().startsWith("evaluate test: 3/3 tasks done after "), p.line());
            }
        } finally {
            spark.stop();
        }
    }
}
