package io.sparkcl.job.train.exec;

import io.sparkcl.model.runtime.BlasRuntime;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Native threads per Spark task. An executor runs one task per slot at once ({@code spark.task.cpus} cores each),
 * while OpenBLAS and libnd4j default to every core: two 16-row tasks on two cores then run four GEMM threads on two
 * cores, and a step took 1.38x as long as with one thread per task ({@code sparkcl bench step}). As PySpark does for
 * {@code OMP_NUM_THREADS}, each task gets {@code spark.task.cpus} threads, unless the user chose a thread count
 * through the environment. The setting is process-wide, so it is applied once per JVM.
 */
public final class TaskThreads {
    private static final Logger LOG = LoggerFactory.getLogger(TaskThreads.class);
    /** Set by a user who chose the native thread count: then nothing is changed. */
    static final List<String> USER_VARIABLES = List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS");
    private static boolean applied;

    private TaskThreads() {
    }

    /** In a Spark task, the first call of this JVM limits native threads to the task's CPUs (later calls wait). */
    public static synchronized void limitToTaskCpus() {
        TaskContext task = TaskContext.get();
        if (task == null || applied) {
            return;
        }
        applied = true;
        for (String variable : USER_VARIABLES) {
            if (System.getenv(variable) != null) {
                LOG.info("native threads left as {}={} sets them", variable, System.getenv(variable));
                return;
            }
        }
        int before = BlasRuntime.useThreads(task.cpus());
        if (before > 0) {
            LOG.info("native threads per task: {} (spark.task.cpus; was {}). Raise spark.task.cpus for more threads "
                    + "and fewer concurrent tasks", task.cpus(), before);
        }
    }
}
