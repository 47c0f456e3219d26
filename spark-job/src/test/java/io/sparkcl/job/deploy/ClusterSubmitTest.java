package io.sparkcl.job.deploy;

import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkApplication;
import org.apache.spark.deploy.SparkSubmit;
import org.apache.spark.deploy.SparkSubmitArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.Tuple2;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * spark-submit to YARN and to Kubernetes as the launcher does it, without a cluster: Spark's own submit logic
 * (SparkSubmit.prepareSubmitEnvironment) must find the cluster manager's classes and build the submission,
 * and the submission client must get as far as calling the resource manager / API server, here a closed port
 * on 127.0.0.1. A missing spark-yarn or spark-kubernetes fails with "Could not load YARN/KUBERNETES classes".
 */
class ClusterSubmitTest {
    @TempDir
    Path tmp;

    record Submission(List<String> childArgs, SparkConf conf, String mainClass) {
    }

    private static Submission prepare(Map<String, String> env, String... args) {
        scala.collection.immutable.Map<String, String> scalaEnv = scala.collection.immutable.Map$.MODULE$.empty();
        for (Map.Entry<String, String> e : env.entrySet()) {
            scalaEnv = scalaEnv.$plus(new Tuple2<>(e.getKey(), e.getValue()));
        }
        SparkSubmitArguments parsed = new SparkSubmitArguments(JavaConverters.asScalaBuffer(List.of(args)).toSeq(),
                scalaEnv);
        Tuple4<Seq<String>, Seq<String>, SparkConf, String> prepared =
                new SparkSubmit().prepareSubmitEnvironment(parsed, Option.empty());
        return new Submission(JavaConverters.seqAsJavaList(prepared._1()), prepared._3(), prepared._4());
    }

    /** Starts the submission client; returns what stopped it (it must not succeed: nothing listens). */
    private static Throwable start(Submission s) {
        try {
            SparkApplication app = (SparkApplication) Class.forName(s.mainClass()).getConstructor().newInstance();
            app.start(s.childArgs().toArray(String[]::new), s.conf());
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("the submission to a closed port succeeded");
    }

    private static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void assertNoClassLoadingFailure(String chain) {
        assertFalse(chain.contains("ClassNotFoundException") || chain.contains("NoClassDefFoundError")
                || chain.contains("NoSuchMethodError") || chain.contains("Could not load"), chain);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void yarnClusterModeReachesTheResourceManager() throws Exception {
        Path jar = Files.write(tmp.resolve("sparkcl.jar"), new byte[]{'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0});
        int rm = closedPort();
        Submission s = prepare(Map.of("HADOOP_CONF_DIR", Files.createDirectories(tmp.resolve("hadoop-conf")).toString()),
                "--master", "yarn", "--deploy-mode", "cluster", "--class", "io.sparkcl.job.SparkClMain",
                "--num-executors", "2", "--executor-memory", "2g", "--executor-cores", "2",
                "--conf", "spark.executor.resource.gpu.amount=1", "--conf", "spark.task.resource.gpu.amount=1",
                "--conf", "spark.hadoop.yarn.resourcemanager.address=127.0.0.1:" + rm,
                "--conf", "spark.hadoop.yarn.resourcemanager.connect.max-wait.ms=2000",
                "--conf", "spark.hadoop.yarn.resourcemanager.connect.retry-interval.ms=500",
                "--conf", "spark.hadoop.ipc.client.connect.max.retries=0",
                "--conf", "spark.yarn.jars=" + jar,
                jar.toString(), "datasets", "show", "sst2");

        assertEquals("org.apache.spark.deploy.yarn.YarnClusterApplication", s.mainClass());
        List<String> args = s.childArgs();
        assertEquals("io.sparkcl.job.SparkClMain", args.get(args.indexOf("--class") + 1));
        assertEquals("file:" + jar, args.get(args.indexOf("--jar") + 1));
        List<String> appArgs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--arg")) {
                appArgs.add(args.get(i + 1));
            }
        }
        assertEquals(List.of("datasets", "show", "sst2"), appArgs);
        assertEquals("yarn", s.conf().get("spark.master"));
        assertEquals("cluster", s.conf().get("spark.submit.deployMode"));
        assertEquals("2", s.conf().get("spark.executor.instances"));
        assertEquals("2g", s.conf().get("spark.executor.memory"));
        assertEquals("1", s.conf().get("spark.executor.resource.gpu.amount"));

        String failure = chain(start(s));
        assertNoClassLoadingFailure(failure);
        assertTrue(failure.contains("ConnectException") || failure.contains("Connection refused"), failure);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void kubernetesClusterModeReachesTheApiServer() throws Exception {
        int api = closedPort();
        Submission s = prepare(Map.of(), "--master", "k8s://https://127.0.0.1:" + api, "--deploy-mode", "cluster",
                "--class", "io.sparkcl.job.SparkClMain", "--num-executors", "2",
                "--conf", "spark.kubernetes.container.image=sparkcl:0.1.0-gpu",
                "--conf", "spark.executor.resource.gpu.amount=1",
                "--conf", "spark.executor.resource.gpu.vendor=nvidia.com",
                "--conf", "spark.executor.resource.gpu.discoveryScript=/opt/sparkcl/gpu-discovery.sh",
                "--conf", "spark.task.resource.gpu.amount=1",
                "--conf", "spark.kubernetes.executor.podTemplateFile="
                        + Scripts.repoRoot().resolve("deploy/examples/k8s/gpu-executor-pod-template.yaml"),
                "--conf", "spark.kubernetes.submission.waitAppCompletion=false",
                "local:///opt/sparkcl/sparkcl.jar", "datasets", "list");

        assertEquals("org.apache.spark.deploy.k8s.submit.KubernetesClientApplication", s.mainClass());
        List<String> args = s.childArgs();
        assertEquals("local:///opt/sparkcl/sparkcl.jar", args.get(args.indexOf("--primary-java-resource") + 1));
        assertEquals("io.sparkcl.job.SparkClMain", args.get(args.indexOf("--main-class") + 1));
        assertEquals("k8s://https://127.0.0.1:" + api, s.conf().get("spark.master"));
        assertEquals("sparkcl:0.1.0-gpu", s.conf().get("spark.kubernetes.container.image"));

        // The fabric8 client retries with back-off by default; once is enough here.
        String previous = System.setProperty("kubernetes.request.retry.backoffLimit", "0");
        try {
            String failure = chain(start(s));
            assertNoClassLoadingFailure(failure);
            assertTrue(failure.contains("127.0.0.1:" + api) || failure.contains("Connection refused")
                    || failure.contains("ConnectException"), failure);
        } finally {
            if (previous == null) {
                System.clearProperty("kubernetes.request.retry.backoffLimit");
            } else {
                System.setProperty("kubernetes.request.retry.backoffLimit", previous);
            }
        }
    }
}
