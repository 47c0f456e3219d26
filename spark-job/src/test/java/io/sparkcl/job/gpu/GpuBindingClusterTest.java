package io.sparkcl.job.gpu;

import io.sparkcl.job.cluster.LoopbackCluster;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.status.api.v1.ExecutorSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Spark's GPU scheduling end to end on the loopback standalone cluster, CPU backend: each worker's discovery
 * script announces a made-up GPU address, the application asks for one GPU per executor and per task, and
 * every task binds ND4J to the address Spark assigned it. The driver's record of each executor's resources is
 * the reference the executors' reports are checked against.
 */
class GpuBindingClusterTest {
    private static final List<String> MADE_UP = List.of("3", "5");

    @TempDir
    Path state;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void eachExecutorBindsTheGpuAddressItWasAssigned() throws IOException {
        List<Path> scripts = List.of(discoveryScript(0), discoveryScript(1));
        try (LoopbackCluster cluster = LoopbackCluster.start(2, 1, "1g", System.getProperty("java.class.path"),
                state, Duration.ofMinutes(2), i -> Map.of("spark.worker.resource.gpu.amount", "1",
                        "spark.worker.resource.gpu.discoveryScript", scripts.get(i).toString()))) {
            SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("gpu-binding-test")
                    .set("spark.executor.memory", "768m").set("spark.cores.max", "2").set("spark.executor.cores", "1")
                    .set("spark.executor.resource.gpu.amount", "1").set("spark.task.resource.gpu.amount", "1")
                    .set("spark.executor.extraJavaOptions", String.join(" ", LoopbackCluster.ADD_OPENS))
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                List<String> reports = sc.parallelize(IntStream.range(0, 4).boxed().toList(), 4)
                        .map(x -> report()).collect();

                Map<String, String> boundByExecutor = new HashMap<>();
                for (String r : reports) {
                    String[] f = r.split("\\|");
                    assertEquals(f[1], f[2], "the bound device is the assigned address: " + r);
                    String previous = boundByExecutor.put(f[0], f[2]);
                    assertTrue(previous == null || previous.equals(f[2]), "an executor keeps its GPU: " + reports);
                }
                Map<String, String> assignedByDriver = assignedGpus(sc);
                assertEquals(assignedByDriver, boundByExecutor, "executor -> GPU as the driver assigned it");
                assertEquals(new TreeSet<>(MADE_UP), new TreeSet<>(boundByExecutor.values()),
                        "both workers' made-up addresses were used, one per executor");
            }
        }
    }

    /** "executor|assigned address|bound device", from inside a task. */
    private static String report() {
        String assigned = String.join(",", TaskContext.get().resourcesJMap().get(GpuBinding.RESOURCE).addresses());
        OptionalInt device = GpuBinding.bindTaskThread();
        return SparkEnv.get().executorId() + "|" + assigned + "|"
                + (device.isPresent() ? Integer.toString(device.getAsInt()) : "none");
    }

    private static Map<String, String> assignedGpus(JavaSparkContext sc) {
        Map<String, String> out = new HashMap<>();
        for (ExecutorSummary e : JavaConverters.seqAsJavaList(sc.sc().statusStore().executorList(true))) {
            if (e.id().equals("driver")) {
                continue;
            }
            Map<String, ResourceInformation> resources = JavaConverters.mapAsJavaMap(e.resources());
            out.put(e.id(), String.join(",", resources.get(GpuBinding.RESOURCE).addresses()));
        }
        return out;
    }

    private Path discoveryScript(int worker) throws IOException {
        Path script = state.resolve("gpu-discovery-" + worker + ".sh");
        Files.writeString(script, "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":[\""
                + MADE_UP.get(worker) + "\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
