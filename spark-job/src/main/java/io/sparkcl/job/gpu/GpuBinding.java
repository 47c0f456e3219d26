package io.sparkcl.job.gpu;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Binds the ND4J device of an executor's task thread to the GPU that Spark's resource scheduling assigned
 * to the task ({@code spark.executor.resource.gpu.amount}, {@code spark.task.resource.gpu.amount} and a
 * discovery script such as {@code deploy/bin/gpu-discovery.sh}). Spark hands out addresses; ND4J keeps a
 * device per thread, so the binding is made on the thread that then allocates the model.
 *
 * <p>A jar built with the CUDA backend ({@code mvn -Pgpu}) on a cluster must get a GPU for every task:
 * without one, every executor of a host would silently share device 0. On the CPU backend an assigned
 * address is bound too (a no-op for ND4J), which is what lets the binding be tested without a GPU.
 */
public final class GpuBinding {
    /** Spark's resource name for GPUs. */
    public static final String RESOURCE = "gpu";
    private static final Logger LOG = LoggerFactory.getLogger(GpuBinding.class);
    private static final ThreadLocal<Integer> BOUND = new ThreadLocal<>();

    private GpuBinding() {
    }

    /**
     * Binds this task thread to its assigned GPU and returns the device, or empty when there is nothing to
     * bind (no Spark task, or no GPU assigned while ND4J runs on the CPU or in local mode).
     *
     * @throws IllegalStateException when the CUDA backend runs on a cluster and Spark assigned no GPU, when
     *                               a task got several GPUs, or when the address is not a device ND4J sees
     */
    public static OptionalInt bindTaskThread() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return OptionalInt.empty();
        }
        boolean cuda = !Nd4j.getEnvironment().isCPU();
        String master = SparkEnv.get() == null ? "" : SparkEnv.get().conf().get("spark.master", "");
        OptionalInt device = deviceFor(task.resourcesJMap().get(RESOURCE), cuda, master.startsWith("local"),
                describe(task));
        if (device.isPresent()) {
            int d = device.getAsInt();
            if (cuda && d >= Nd4j.getAffinityManager().getNumberOfDevices()) {
                throw new IllegalStateException(describe(task) + " was assigned GPU " + d + " but ND4J sees "
                        + Nd4j.getAffinityManager().getNumberOfDevices() + " CUDA device(s); the discovery "
                        + "script must announce CUDA device indices as this container sees them");
            }
            Nd4j.getAffinityManager().unsafeSetDevice(d);
            if (!Integer.valueOf(d).equals(BOUND.get())) {
                LOG.info("{}: ND4J device {} ({} backend)", describe(task), d, cuda ? "CUDA" : "CPU");
                BOUND.set(d);
            }
        }
        return device;
    }

    /**
     * The device a task must use: its one assigned GPU address as an integer; empty when none is assigned
     * and none is needed. Pure, so the rules are tested without Spark or a GPU.
     */
    static OptionalInt deviceFor(ResourceInformation gpus, boolean cudaBackend, boolean localMaster, String task) {
        String[] addresses = gpus == null ? new String[0] : gpus.addresses();
        if (addresses.length == 0) {
            if (cudaBackend && !localMaster) {
                throw new IllegalStateException("ND4J runs on the CUDA backend (a -Pgpu jar) but Spark assigned no "
                        + "GPU to " + task + ": submit with --conf spark.executor.resource.gpu.amount=1 --conf "
                        + "spark.task.resource.gpu.amount=1 and a discovery script (spark.executor.resource.gpu."
                        + "discoveryScript, standalone workers: spark.worker.resource.gpu.*; see deploy/README.md)");
            }
            return OptionalInt.empty();
        }
        if (addresses.length > 1) {
            throw new IllegalStateException(task + " was assigned " + addresses.length + " GPUs "
                    + Arrays.toString(addresses) + "; a task trains on one device: set spark.task.resource.gpu.amount"
                    + " to 1 (or a fraction to share a GPU between tasks)");
        }
        try {
            int device = Integer.parseInt(addresses[0].trim());
            if (device < 0) {
                throw new NumberFormatException("negative");
            }
            return OptionalInt.of(device);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(task + " was assigned GPU address '" + addresses[0] + "', which is not a "
                    + "CUDA device index; the discovery script must print indices such as \"0\"", e);
        }
    }

    private static String describe(TaskContext task) {
        String executor = SparkEnv.get() == null ? "?" : SparkEnv.get().executorId();
        return "task " + task.taskAttemptId() + " (partition " + task.partitionId() + ") on executor " + executor;
    }
}
