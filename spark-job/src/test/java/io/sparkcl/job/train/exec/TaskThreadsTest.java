package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.TestSpark;
import io.sparkcl.model.runtime.BlasRuntime;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A Spark task limits the JVM's native threads to spark.task.cpus (1 here), unless the environment chose them. */
class TaskThreadsTest {
    @Test
    void aTaskLimitsNativeThreadsToItsCpus() {
        int before = BlasRuntime.threads();
        SparkSession spark = TestSpark.local(2);
        try {
            TaskThreads.limitToTaskCpus(); // on the driver, outside a task: nothing happens
            assertEquals(before, BlasRuntime.threads());
            List<Integer> seen = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(List.of(1, 2), 2).map(x -> {
                        TaskThreads.limitToTaskCpus();
                        return BlasRuntime.threads();
                    }).collect();
            boolean userChose = TaskThreads.USER_VARIABLES.stream().anyMatch(v -> System.getenv(v) != null);
            int expected = userChose ? before : 1;
            assertEquals(List.of(expected, expected), seen);
        } finally {
            BlasRuntime.useThreads(Math.max(1, before));
            spark.stop();
        }
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BlasRuntime.useThreads(0));
    }
}
