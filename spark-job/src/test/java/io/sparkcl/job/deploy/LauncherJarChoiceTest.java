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
 * Which jar and which spark-submit deploy/bin/sparkcl picks for each kind of master, with a fake {@code java}
 * and a fake {@code $SPARK_HOME/bin/spark-submit} that print the command they were given.
 */
class LauncherJarChoiceTest {
    @TempDir
    Path tmp;
    Map<String, String> env;

    @BeforeEach
    void fakes() throws Exception {
        Scripts.fakeCommand(tmp.resolve("jdk/bin/java"), "");
        env = new HashMap<>(Map.of("JAVA_HOME", tmp.resolve("jdk").toString(), "SPARKCL_NO_BUILD", "1",
                "SPARKCL_JAR", "/jars/sparkcl-all.jar", "SPARKCL_CLUSTER_JAR", "/jars/sparkcl-cluster.jar",
                "SPARK_HOME", "", "SPARKCL_APP_JAR", ""));
    }

    private List<String> launch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Scripts.repoRoot().resolve("deploy/bin/sparkcl").toString()));
        cmd.addAll(List.of(args));
        Scripts.Result r = Scripts.run(cmd, env, tmp);
        assertEquals(0, r.code(), r.err());
        return r.out().lines().toList();
    }

    private static String after(List<String> argv, String flag) {
        int i = argv.indexOf(flag);
        assertTrue(i >= 0 && i + 1 < argv.size(), flag + " in " + argv);
        return argv.get(i + 1);
    }

    @Test
    void embeddedLocalSparkRunsTheAllJar() throws Exception {
        List<String> argv = launch("datasets", "list");
        assertEquals("java", argv.get(0));
        assertEquals("/jars/sparkcl-all.jar", after(argv, "-cp"));
        assertEquals(List.of("io.sparkcl.job.SparkClMain", "datasets", "list"), argv.subList(argv.size() - 3, argv.size()));
    }

    @Test
    void yarnWithoutSparkHomeSubmitsFromTheAllJarAndShipsItAsSparkYarnJars() throws Exception {
        List<String> argv = launch("--master", "yarn", "--deploy-mode", "cluster", "datasets", "list");
        assertEquals("java", argv.get(0));
        assertTrue(argv.contains("org.apache.spark.deploy.SparkSubmit"), argv.toString());
        assertTrue(argv.contains("spark.yarn.jars=/jars/sparkcl-all.jar"), argv.toString());
        assertEquals("/jars/sparkcl-all.jar", argv.get(argv.indexOf("datasets") - 1), "application jar");
    }

    @Test
    void aUsersSparkYarnArchiveIsKept() throws Exception {
        List<String> argv = launch("--master", "yarn", "--conf", "spark.yarn.archive=hdfs:///spark/libs.zip",
                "datasets", "list");
        assertTrue(argv.contains("spark.yarn.archive=hdfs:///spark/libs.zip"), argv.toString());
        assertFalse(argv.stream().anyMatch(a -> a.startsWith("spark.yarn.jars=")), argv.toString());
    }

    @Test
    void kubernetesClusterModeRunsTheImagesJar() throws Exception {
        List<String> argv = launch("--master", "k8s://https://10.0.0.1:6443", "--deploy-mode=cluster",
                "datasets", "list");
        assertEquals("local:///opt/sparkcl/sparkcl.jar", argv.get(argv.indexOf("datasets") - 1));
        assertEquals("/jars/sparkcl-all.jar", after(argv, "-cp"), "SparkSubmit itself runs from the -all jar");
        env.put("SPARKCL_APP_JAR", "local:///custom/app.jar");
        argv = launch("--master", "k8s://https://10.0.0.1:6443", "--deploy-mode", "cluster", "datasets", "list");
        assertEquals("local:///custom/app.jar", argv.get(argv.indexOf("datasets") - 1));
    }

    @Test
    void aSparkHomeGetsTheClusterJarThroughItsOwnSparkSubmit() throws Exception {
        Scripts.fakeCommand(tmp.resolve("spark/bin/spark-submit"), "");
        env.put("SPARK_HOME", tmp.resolve("spark").toString());
        List<String> argv = launch("--master", "spark://host:7077", "datasets", "list");
        assertEquals("spark-submit", argv.get(0));
        assertEquals("io.sparkcl.job.SparkClMain", after(argv, "--class"));
        assertEquals("/jars/sparkcl-cluster.jar", argv.get(argv.indexOf("datasets") - 1));
        assertTrue(after(argv, "--conf").startsWith("spark.driver.extraJavaOptions=--add-opens"), argv.toString());
        assertFalse(argv.stream().anyMatch(a -> a.startsWith("spark.yarn.jars=")), argv.toString());
    }
}
