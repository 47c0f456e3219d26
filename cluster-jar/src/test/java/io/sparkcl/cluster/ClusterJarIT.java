package io.sparkcl.cluster;

import io.sparkcl.job.cluster.LoopbackCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The cluster jar (Spark provided) on a cluster's own Spark, emulated: SparkSubmit runs on this JVM's
 * classpath without SparkCL's modules and the libraries only the cluster jar brings (ND4J and its natives,
 * tokenizers, ONNX Runtime, DL4J, picocli, hadoop-aws and the AWS SDK), so everything SparkCL needs beyond Spark
 * must come from the cluster jar. A new user's `datasets show` must work as with the -all jar.
 */
class ClusterJarIT {
    /** Path fragments of the libraries a Spark distribution does not have (the cluster jar's own). */
    static final List<String> NOT_IN_SPARK = List.of("/io/sparkcl/", "/sparkcl-", "/target/classes", "/target/test-classes",
            "/org/nd4j/", "/org/bytedeco/", "/org/deeplearning4j/", "/org/datavec/", "/ai/djl/",
            "/com/microsoft/onnxruntime/", "/info/picocli/", "/com/amazonaws/", "/org/apache/hadoop/hadoop-aws/",
            "/dev/langchain4j/", "/io/findify/", "/org/junit/");

    static final Path REPO = Path.of(System.getProperty("sparkcl.repo.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void datasetsShowRunsFromTheClusterJarOnSparkAlone() throws Exception {
        Path jar;
        try (Stream<Path> s = Files.list(REPO.resolve("cluster-jar/target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("sparkcl-cluster-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no cluster jar in cluster-jar/target: run mvn verify"));
        }
        String sparkOnly = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> NOT_IN_SPARK.stream().noneMatch(e::contains)).collect(Collectors.joining(File.pathSeparator));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.sparkcl.job.SparkClMain", false,
                new java.net.URLClassLoader(Arrays.stream(sparkOnly.split(File.pathSeparator)).map(ClusterJarIT::url)
                        .toArray(java.net.URL[]::new), null)), "the emulated Spark classpath has no SparkCL");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g"));
        cmd.addAll(LoopbackCluster.ADD_OPENS);
        cmd.addAll(List.of("-cp", sparkOnly, "org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false", "--conf",
                "spark.driver.extraJavaOptions=" + String.join(" ", LoopbackCluster.ADD_OPENS),
                "--class", "io.sparkcl.job.SparkClMain", jar.toString(), "datasets", "show", "glue-rte"));
        String data = System.getenv().getOrDefault("SPARKCL_DATA_DIR",
                REPO.resolve("../shared/data").normalize().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().putAll(Map.of("SPARKCL_DATA_DIR", data, "SPARK_LOCAL_IP", "127.0.0.1"));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "datasets show did not finish in 5 minutes");
        String stdout = Files.readString(out);
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertTrue(stdout.contains("train: 2490 rows, 0 bad"), stdout);
        assertTrue(stdout.matches("(?s).*entailment\\s+1249.*not_entailment\\s+1241.*"), stdout);
    }

    private static java.net.URL url(String entry) {
        try {
            return Path.of(entry).toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
