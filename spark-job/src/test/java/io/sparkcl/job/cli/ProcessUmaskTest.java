package io.sparkcl.job.cli;

import io.sparkcl.job.train.ckpt.CheckpointStore;
import io.sparkcl.job.train.ckpt.TrainingState;
import io.sparkcl.job.train.report.RunFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file a run writes follows the process umask (issue 13, item 8). */
class ProcessUmaskTest {
    @TempDir
    Path dir;

    @Test
    void theDetectedUmaskIsTheShells() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String shell = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        // the JVM inherited its umask from the same environment as this child shell
        assertEquals(Integer.parseInt(shell, 8), Integer.parseInt(ProcessUmask.octal(), 8));
    }

    @Test
    void sparkAndHadoopConfigurationsCarryIt() {
        SparkConf c = SparkSessions.configure(new SparkConf(false), "app", null, null);
        assertEquals(ProcessUmask.octal(), c.get("spark.hadoop.fs.permissions.umask-mode"));
        assertEquals(ProcessUmask.octal(), ProcessUmask.applyTo(new Configuration()).get(ProcessUmask.HADOOP_KEY));
        Configuration mine = new Configuration();
        mine.set(ProcessUmask.HADOOP_KEY, "002");
        assertEquals("002", ProcessUmask.applyTo(mine).get(ProcessUmask.HADOOP_KEY), "a user's setting is kept");
    }

    @Test
    void withUmask077NothingTheRunWritesIsReadableByOthers() throws Exception {
        Configuration conf = new Configuration();
        conf.set(ProcessUmask.HADOOP_KEY, "077");
        conf.setBoolean("fs.file.impl.disable.cache", true); // a file system with this configuration
        String run = dir.resolve("run").toUri().toString();
        RunFolder folder = new RunFolder(run, conf);
        folder.writeJson("summary.json", Map.of("a", 1));
        try (var lines = folder.jsonLines("metrics.jsonl", 0)) {
            lines.write(Map.of("step", 1));
        }
        new CheckpointStore(run, conf, 1).save("last", new TrainingState(1, 0, 1, 42, new float[]{1f}, new byte[]{1},
                0.5, Map.of()));
        Path local = Files.createDirectories(dir.resolve("local-model"));
        Files.writeString(local.resolve("config.json"), "{}");
        folder.uploadFolder(local, "model");
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir.resolve("run"))) {
            all = s.toList();
        }
        assertTrue(all.size() > 8, all.toString());
        for (Path p : all) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            assertTrue(perms.stream().allMatch(x -> x.name().startsWith("OWNER")), p + " is " + perms);
        }
        FileSystem.closeAll();
    }
}
