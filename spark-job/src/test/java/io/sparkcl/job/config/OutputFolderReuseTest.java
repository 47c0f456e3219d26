package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run that failed before its first step does not block a re-run into its folder (issue 13, item 13). */
class OutputFolderReuseTest {
    @TempDir
    Path dir;

    private Path failedBeforeFirstStep() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("config.yaml"), "lr: 0.001\n");
        Files.writeString(run.resolve("trainer.json"), "{}");
        Files.writeString(run.resolve(".config.yaml.crc"), "x");
        Files.createDirectories(run.resolve("quarantine/custom/train"));
        Files.writeString(run.resolve("metrics.jsonl"), "");
        return run;
    }

    @Test
    void aFolderLeftBeforeTheFirstStepMayBeReused() throws Exception {
        Path run = failedBeforeFirstStep();
        assertDoesNotThrow(() -> OutputFolderCheck.checkWritableFolder("--output", run.toString(), true, false,
                new Configuration()));
    }

    @Test
    void aFolderWithTrainingProgressIsNot() throws Exception {
        Path run = failedBeforeFirstStep();
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 1}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> OutputFolderCheck.checkWritableFolder(
                "--output", run.toString(), true, false, new Configuration()));
        assertTrue(e.getMessage().contains("pass --resume"), e.getMessage());
        Path other = Files.createDirectories(dir.resolve("home"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        assertThrows(ConfigException.class, () -> OutputFolderCheck.checkWritableFolder("--output", other.toString(),
                true, false, new Configuration()));
    }
}
