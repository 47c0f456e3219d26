package io.sparkcl.job.train.bench;

import io.sparkcl.job.train.LocalSpark;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench's per-job split: one entry per finished job, named by its description, with its tasks' figures. */
class SparkTaskTimesTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    @Test
    void eachJobIsRecordedUnderItsDescriptionWithItsTasksFigures() throws java.util.concurrent.TimeoutException {
        JavaSparkContext jsc = SPARK.jsc();
        SparkTaskTimes times = new SparkTaskTimes();
        jsc.sc().addSparkListener(times);
        try {
            jsc.setJobGroup("bench", "step 1 pass 1", false);
            jsc.parallelize(List.of(1, 2, 3, 4), 2).map(i -> i * 2).collect();
            jsc.setJobGroup("bench", "step 1 pass 2", false);
            // a result of 8 MB per task: delivering it to the driver is part of the job
            jsc.parallelize(List.of(1, 2), 2).map(i -> new byte[8 << 20]).collect();
            jsc.sc().listenerBus().waitUntilEmpty(30_000);
        } finally {
            jsc.sc().removeSparkListener(times);
            jsc.clearJobGroup();
        }
        List<SparkTaskTimes.Job> jobs = times.jobs();
        assertEquals(List.of("step 1 pass 1", "step 1 pass 2"), jobs.stream().map(SparkTaskTimes.Job::description).toList());
        for (SparkTaskTimes.Job j : jobs) {
            assertTrue(j.toFirstLaunch() >= 0 && j.maxDeserialize() >= 0 && j.maxResultSerialize() >= 0
                    && j.maxResultDelivery() >= 0 && j.afterLastTask() >= 0, j.toString());
        }
    }
}
