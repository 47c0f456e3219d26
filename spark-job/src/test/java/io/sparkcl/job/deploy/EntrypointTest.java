package io.sparkcl.job.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docker/entrypoint.sh on the host: the commands it runs for a Kubernetes driver and executor, a standalone
 * worker (with GPUs) and a pass-through, with a fake java and a fake Spark installation that print them.
 */
class EntrypointTest {
    @TempDir
    Path tmp;
    Map<String, String> env;

    @BeforeEach
    void fakes() throws Exception {
        Scripts.fakeCommand(tmp.resolve("jdk/bin/java"), "");
        Scripts.fakeCommand(tmp.resolve("spark/bin/spark-submit"), "");
        Scripts.fakeCommand(tmp.resolve("spark/bin/spark-class"), "echo \"SPARK_WORKER_OPTS=${SPARK_WORKER_OPTS:-}\"");
        env = new HashMap<>(Map.of("JAVA_HOME", tmp.resolve("jdk").toString(), "SPARK_HOME",
                tmp.resolve("spark").toString(), "SPARKCL_HOME", "/opt/sparkcl"));
    }

    private Scripts.Result entrypoint(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Scripts.repoRoot().resolve("docker/entrypoint.sh").toString()));
        cmd.addAll(List.of(args));
        return Scripts.run(cmd, env, tmp);
    }

    private List<String> argv(String... args) throws Exception {
        Scripts.Result r = entrypoint(args);
        assertEquals(0, r.code(), r.err());
        return r.out().lines().toList();
    }

    @Test
    void kubernetesDriverRunsSparkSubmitInClientModeBoundToThePodAddress() throws Exception {
        env.put("SPARK_DRIVER_BIND_ADDRESS", "10.1.2.3");
        List<String> argv = argv("driver", "--properties-file", "/opt/spark/conf/spark.properties",
                "--class", "io.sparkcl.job.SparkClMain", "local:///opt/sparkcl/sparkcl.jar", "train");
        assertEquals(List.of("spark-submit", "--conf", "spark.driver.bindAddress=10.1.2.3", "--conf",
                "spark.executorEnv.SPARK_DRIVER_POD_IP=10.1.2.3", "--deploy-mode", "client", "--properties-file",
                "/opt/spark/conf/spark.properties", "--class", "io.sparkcl.job.SparkClMain",
                "local:///opt/sparkcl/sparkcl.jar", "train"), argv);
        env.remove("SPARK_DRIVER_BIND_ADDRESS");
        Scripts.Result missing = entrypoint("driver");
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("SPARK_DRIVER_BIND_ADDRESS"), missing.err());
    }

    @Test
    void kubernetesExecutorGetsItsJavaOptionsInNumericOrderAndTheBackendArguments() throws Exception {
        env.putAll(Map.of("SPARK_JAVA_OPT_0", "-Dfirst=1", "SPARK_JAVA_OPT_2", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "SPARK_JAVA_OPT_10", "-Dlast=1", "SPARK_JAVA_OPT_1", "-Dsecond=with space",
                "SPARK_EXECUTOR_MEMORY", "12g", "SPARK_DRIVER_URL", "spark://CoarseGrainedScheduler@10.1.2.3:7078",
                "SPARK_EXECUTOR_ID", "4", "SPARK_EXECUTOR_CORES", "2", "SPARK_APPLICATION_ID", "spark-app-1",
                "SPARK_EXECUTOR_POD_IP", "10.1.2.9"));
        env.putAll(Map.of("SPARK_RESOURCE_PROFILE_ID", "0", "SPARK_EXECUTOR_POD_NAME", "sparkcl-exec-4"));
        List<String> argv = argv("executor");
        assertEquals(List.of("java", "-Dfirst=1", "-Dsecond=with space", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dlast=1", "-Xms12g", "-Xmx12g", "-cp"), argv.subList(0, 8));
        assertEquals(tmp.resolve("spark") + "/conf:" + tmp.resolve("spark") + "/jars/*", argv.get(8));
        assertEquals(List.of("org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend",
                "--driver-url", "spark://CoarseGrainedScheduler@10.1.2.3:7078", "--executor-id", "4", "--cores", "2",
                "--app-id", "spark-app-1", "--hostname", "10.1.2.9", "--resourceProfileId", "0",
                "--podName", "sparkcl-exec-4"), argv.subList(9, argv.size()));
    }

    @Test
    void standaloneWorkerTakesGpuSettingsThroughSparkWorkerOpts() throws Exception {
        env.put("SPARKCL_WORKER_GPUS", "2");
        List<String> argv = argv("worker", "spark://master:7077", "--cores", "8");
        assertEquals("SPARK_WORKER_OPTS= -Dspark.worker.resource.gpu.amount=2 "
                + "-Dspark.worker.resource.gpu.discoveryScript=/opt/sparkcl/gpu-discovery.sh", argv.get(0));
        assertEquals(List.of("spark-class", "org.apache.spark.deploy.worker.Worker", "spark://master:7077", "--cores",
                "8"), argv.subList(1, argv.size()));
        assertFalse(argv.contains("--conf"), "Spark 3.5's Worker rejects --conf");

        env.remove("SPARKCL_WORKER_GPUS");
        assertEquals("SPARK_WORKER_OPTS=", argv("worker", "spark://master:7077").get(0));
        Scripts.Result noMaster = entrypoint("worker");
        assertEquals(2, noMaster.code());
        assertTrue(noMaster.err().contains("master URL"), noMaster.err());
    }

    @Test
    void anyOtherCommandRunsAsGiven() throws Exception {
        assertEquals(List.of("hello world"), argv("echo", "hello world"));
    }
}
