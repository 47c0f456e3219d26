package io.sparkcl.job.deploy;

import io.sparkcl.model.runtime.BlasRuntime;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
    void idleBlasThreadsSleepInEveryJvmUnlessTheUserChoseOtherwise() throws Exception {
        Scripts.fakeCommand(tmp.resolve("jdk/bin/java"), "echo \"OPENBLAS_THREAD_TIMEOUT=$OPENBLAS_THREAD_TIMEOUT\"");
        String ours = BlasRuntime.DEFAULT_THREAD_TIMEOUT; // the launcher's default is the job's (one value)
        env.put("OPENBLAS_THREAD_TIMEOUT", ""); // unset for the launcher
        assertEquals("OPENBLAS_THREAD_TIMEOUT=" + ours, launch("datasets", "list").get(0), "the driver's environment");
        List<String> yarn = launch("--master", "yarn", "--deploy-mode", "cluster", "datasets", "list");
        assertEquals("OPENBLAS_THREAD_TIMEOUT=" + ours, yarn.get(0), "spark-submit's JVM (a client-mode driver)");
        assertTrue(yarn.contains("spark.yarn.appMasterEnv.OPENBLAS_THREAD_TIMEOUT=" + ours), yarn.toString());
        assertTrue(yarn.contains("spark.kubernetes.driverEnv.OPENBLAS_THREAD_TIMEOUT=" + ours), yarn.toString());
        env.put("OPENBLAS_THREAD_TIMEOUT", "12");
        assertEquals("OPENBLAS_THREAD_TIMEOUT=12", launch("datasets", "list").get(0), "the user's value wins");
        List<String> own = launch("--master", "yarn", "--conf", "spark.yarn.appMasterEnv.OPENBLAS_THREAD_TIMEOUT=8",
                "datasets", "list");
        assertTrue(own.contains("spark.yarn.appMasterEnv.OPENBLAS_THREAD_TIMEOUT=8"), own.toString());
        assertFalse(own.contains("spark.yarn.appMasterEnv.OPENBLAS_THREAD_TIMEOUT=12"), own.toString());
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

    /** In a fresh clone (no jars) the launcher builds only the jar it needs, with a fake mvn on the PATH. */
    @Test
    void aMissingJarIsBuiltWithOnlyItsOwnShading() throws Exception {
        Path repo = tmp.resolve("clone");
        Files.createDirectories(repo.resolve("deploy/bin"));
        Files.copy(Scripts.repoRoot().resolve("deploy/bin/sparkcl"), repo.resolve("deploy/bin/sparkcl"));
        Scripts.fakeCommand(tmp.resolve("bin/mvn"), "echo \"mvn $*\" >>\"" + tmp.resolve("mvn.log") + "\"\n"
                + "if [[ \"$*\" == *cluster-jar* ]]; then mkdir -p cluster-jar/target; touch cluster-jar/target/sparkcl-cluster-9.jar;"
                + " else mkdir -p spark-job/target; touch spark-job/target/sparkcl-spark-job-9-all.jar; fi\nexit 0");
        env.putAll(Map.of("SPARKCL_NO_BUILD", "0", "SPARKCL_JAR", "", "SPARKCL_CLUSTER_JAR", "",
                "PATH", tmp.resolve("bin") + ":" + System.getenv("PATH")));
        List<String> cmd = List.of(repo.resolve("deploy/bin/sparkcl").toString(), "datasets", "list");
        Scripts.Result local = Scripts.run(cmd, env, tmp);
        assertEquals(0, local.code(), local.err());
        assertEquals(repo.resolve("spark-job/target/sparkcl-spark-job-9-all.jar").toString(),
                after(local.out().lines().toList(), "-cp"));
        Scripts.fakeCommand(tmp.resolve("spark/bin/spark-submit"), "");
        env.put("SPARK_HOME", tmp.resolve("spark").toString());
        Scripts.Result cluster = Scripts.run(List.of(repo.resolve("deploy/bin/sparkcl").toString(), "--master",
                "yarn", "datasets", "list"), env, tmp);
        assertEquals(0, cluster.code(), cluster.err());
        assertTrue(cluster.out().contains(repo.resolve("cluster-jar/target/sparkcl-cluster-9.jar").toString()), cluster.out());
        assertEquals(List.of("mvn -B -q -Dstyle.color=never -DskipTests -Dsparkcl.cluster.shade.phase=none package",
                "mvn -B -q -Dstyle.color=never -DskipTests -Dsparkcl.shade.phase=none -Dsparkcl.cluster.shade.phase=package "
                        + "-pl cluster-jar -am package"), Files.readAllLines(tmp.resolve("mvn.log")));
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
