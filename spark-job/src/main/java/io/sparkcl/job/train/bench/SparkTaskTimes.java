package io.sparkcl.job.train.bench;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a Spark job's time goes beyond its tasks' work, from Spark's own task metrics (ms resolution): per job,
 * from submission to the first task's launch, the slowest task's deserialisation and its result's serialisation
 * on the executor, the delivery of a result to the driver (task finished on the driver minus launch,
 * deserialisation and run on the executor: result transfer and deserialisation), and the job's end after its
 * last task (the driver merging results). The bench's finer split of {@code pass1_job} and {@code pass2_job}.
 */
final class SparkTaskTimes extends SparkListener {
    /** One job's figures, ms. */
    record Job(String description, long toFirstLaunch, long maxDeserialize, long maxResultSerialize, long maxResultDelivery,
               long afterLastTask) {
    }

    private final Map<Integer, Long> submitted = new HashMap<>();
    private final Map<Integer, String> descriptions = new HashMap<>();
    private final Map<Integer, Integer> jobOfStage = new HashMap<>();
    private final Map<Integer, long[]> open = new HashMap<>();
    private final List<Job> jobs = new ArrayList<>();

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
        submitted.put(e.jobId(), e.time());
        String description = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
        descriptions.put(e.jobId(), description == null ? "" : description);
        for (Object stage : scala.collection.JavaConverters.seqAsJavaList(e.stageIds())) {
            jobOfStage.put((Integer) stage, e.jobId());
        }
        // first launch, max deserialise, max result serialise, max delivery, last finish
        open.put(e.jobId(), new long[]{Long.MAX_VALUE, 0, 0, 0, 0});
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        Integer job = jobOfStage.get(e.stageId());
        long[] a = job == null ? null : open.get(job);
        TaskMetrics m = e.taskMetrics();
        if (a == null || m == null) {
            return;
        }
        TaskInfo t = e.taskInfo();
        a[0] = Math.min(a[0], t.launchTime());
        a[1] = Math.max(a[1], m.executorDeserializeTime());
        a[2] = Math.max(a[2], m.resultSerializationTime());
        a[3] = Math.max(a[3], t.finishTime() - t.launchTime() - m.executorDeserializeTime() - m.executorRunTime());
        a[4] = Math.max(a[4], t.finishTime());
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
        long[] a = open.remove(e.jobId());
        Long start = submitted.remove(e.jobId());
        String description = descriptions.remove(e.jobId());
        if (a != null && start != null && a[4] > 0) {
            jobs.add(new Job(description, a[0] - start, a[1], a[2], a[3], e.time() - a[4]));
        }
    }

    synchronized List<Job> jobs() {
        return List.copyOf(jobs);
    }
}
