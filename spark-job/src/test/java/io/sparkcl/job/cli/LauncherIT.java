package io.sparkcl.job.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/bin/sparkcl end to end with the shaded jar built in the package phase: plain java (embedded
 * local Spark) and the spark-submit path, as a user runs it.
 */
class LauncherIT {
    static Path root;
    static Path jar;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void findJar() throws IOException {
        root = Path.of(System.getProperty("sparkcl.repo.root", "..")).toAbsolutePath().normalize();
        try (Stream<Path> s = Files.list(root.resolve("spark-job/target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("sparkcl-spark-job-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no shaded jar in spark-job/target: run mvn verify "
                            + "(the package phase builds it)"));
        }
    }

    static Run sparkcl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("deploy/bin/sparkcl").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("SPARKCL_JAR", jar.toString());
        env.remove("SPARK_HOME"); // else spark-submit options would go to that Spark with the cluster jar
        env.put("SPARKCL_DRIVER_MEMORY", "2g");
        env.putIfAbsent("SPARKCL_DATA_DIR", root.resolve("../shared/data").normalize().toString());
        File out = File.createTempFile("sparkcl-out", ".txt");
        File err = File.createTempFile("sparkcl-err", ".txt");
        pb.redirectOutput(out).redirectError(err);
        Process p = pb.start();
        assertTrue(p.waitFor(4, TimeUnit.MINUTES), "sparkcl " + String.join(" ", args) + " timed out");
        Run r = new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
        out.delete();
        err.delete();
        return r;
    }

    @Test
    void helpAndVersion() throws Exception {
        Run help = sparkcl("--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("Commands:") && help.out().contains("train"), help.out());
        Run version = sparkcl("--version");
        assertTrue(version.out().startsWith("sparkcl "), version.out());
    }

    @Test
    void badConfigExitsWithUsageCode() throws Exception {
        Run r = sparkcl("train", "--lambda", "2", "--print-config");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--lambda: must be in [0,1]"), r.err());
    }

    /** Issue 2's acceptance: a new user's `datasets show glue-rte`, here through spark-submit with --master. */
    @Test
    void datasetsShowThroughSparkSubmit() throws Exception {
        Run r = sparkcl("--master", "local[2]", "--conf", "spark.ui.enabled=false", "datasets", "show", "glue-rte");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train: 2490 rows, 0 bad"), r.out());
        assertTrue(r.out().contains("dev: 277 rows, 0 bad"), r.out());
        assertTrue(r.out().matches("(?s).*entailment\\s+1249.*not_entailment\\s+1241.*"), r.out());
        assertTrue(r.err().contains("master local[2]"), "the job ran on spark-submit's master:\n" + r.err());
    }
}
