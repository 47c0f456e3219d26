package io.sparkcl.job.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The reproduction, as a new user runs it: deploy/bin/sparkcl with the -all jar built in the package
 * phase, submitting to YARN and to Kubernetes. No cluster answers (closed ports on 127.0.0.1), so the run
 * fails, but at the resource manager / API server call, not at "Could not load YARN/KUBERNETES classes".
 */
class ClusterSubmitIT {
    static Path jar;
    @TempDir
    Path tmp;

    @BeforeAll
    static void findJar() throws IOException {
        try (Stream<Path> s = Files.list(Scripts.repoRoot().resolve("spark-job/target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("sparkcl-spark-job-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no -all jar in spark-job/target: run mvn verify"));
        }
    }

    private Scripts.Result sparkcl(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Scripts.repoRoot().resolve("deploy/bin/sparkcl").toString()));
        cmd.addAll(List.of(args));
        Map<String, String> env = new java.util.HashMap<>(Map.of("SPARKCL_JAR", jar.toString(), "SPARKCL_NO_BUILD", "1",
                "SPARKCL_DRIVER_MEMORY", "1g", "SPARK_HOME", ""));
        env.putAll(extraEnv);
        return Scripts.run(cmd, env, tmp);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void yarnSubmissionGetsPastClassLoading() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("hadoop-conf"));
        Scripts.Result r = sparkcl(Map.of("HADOOP_CONF_DIR", conf.toString()),
                "--master", "yarn", "--deploy-mode", "cluster",
                "--conf", "spark.hadoop.yarn.resourcemanager.address=127.0.0.1:" + closedPort(),
                "--conf", "spark.hadoop.yarn.resourcemanager.connect.max-wait.ms=2000",
                "--conf", "spark.hadoop.yarn.resourcemanager.connect.retry-interval.ms=500",
                "--conf", "spark.hadoop.ipc.client.connect.max.retries=0",
                "datasets", "list");
        assertNotEquals(0, r.code());
        assertFalse(r.err().contains("Could not load YARN classes") || r.err().contains("ClassNotFoundException"), r.err());
        assertTrue(r.err().contains("Connection refused") || r.err().contains("ConnectException"), r.err());
    }

    @Test
    void kubernetesSubmissionGetsPastClassLoading() throws Exception {
        int api = closedPort();
        Scripts.Result r = sparkcl(Map.of("SPARKCL_JAVA_OPTS", "-Dkubernetes.request.retry.backoffLimit=0"),
                "--master", "k8s://https://127.0.0.1:" + api, "--deploy-mode", "cluster",
                "--conf", "spark.kubernetes.container.image=sparkcl:0.1.0-cpu",
                "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
                "datasets", "list");
        assertNotEquals(0, r.code());
        assertFalse(r.err().contains("Could not load KUBERNETES classes") || r.err().contains("ClassNotFoundException"),
                r.err());
        assertTrue(r.err().contains("127.0.0.1:" + api) || r.err().contains("Connection refused"), r.err());
    }
}
