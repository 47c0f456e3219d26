package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.model.runtime.BlasRuntime;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A Spark task limits the JVM's native threads to spark.task.cpus (1 here), unless the environment chose them. */
class TaskThreadsTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    @Test
    void aTaskLimitsNativeThreadsToItsCpus() {
        int before = BlasRuntime.threads();
        JavaSparkContext jsc = SPARK.jsc(); // started after reading the driver's thread count
        try {
            TaskThreads.limitToTaskCpus(); // on the driver, outside a task: nothing happens
            assertEquals(before, BlasRuntime.threads());
            List<Integer> seen = jsc.parallelize(List.of(1, 2), 2).map(x -> {
                TaskThreads.limitToTaskCpus();
                return BlasRuntime.threads();
            }).collect();
            boolean userChose = TaskThreads.USER_VARIABLES.stream().anyMatch(v -> System.getenv(v) != null);
            int expected = userChose ? before : 1;
            assertEquals(List.of(expected, expected), seen);
        } finally {
            BlasRuntime.useThreads(Math.max(1, before));
        }
    }

    @Test
    void aThreadCountBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BlasRuntime.useThreads(0));
    }
}
