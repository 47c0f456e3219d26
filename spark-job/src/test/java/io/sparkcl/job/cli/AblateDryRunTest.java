package io.sparkcl.job.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sparkcl ablate --dry-run} lists the cells without reading data or touching the network: a registry
 * dataset that is not in the data folder is not downloaded (the download address here refuses connections, so
 * any attempt fails the command) and the data folder stays empty.
 */
class AblateDryRunTest {
    @TempDir
    Path tmp;

    @Test
    void dryRunOfAGridOnAMissingDatasetDownloadsNothing() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path grid = tmp.resolve("grid.yaml");
        Files.writeString(grid, "fixed:\n"
                + "  dataset: trec\n"
                + "  data-dir: " + data.toUri() + "\n"
                + "  model: tiny-random\n"
                + "  few-shot: 4\n"
                + "  steps: 2\n"
                + "grid:\n"
                + "  seed: [1, 2]\n"
                + "  method: [ce, dualcl]\n");
        String property = "sparkcl.download.baseUrl";
        String before = System.getProperty(property);
        System.setProperty(property, "http://127.0.0.1:9/refused/");
        SparkClCliTest.Result r;
        try {
            r = SparkClCliTest.run("ablate", "--grid", grid.toString(), "--output",
                    tmp.resolve("ablation").toUri().toString(), "--dry-run");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(4, r.out().lines().filter(l -> l.contains(" new ") && l.contains("unknown")).count(), r.out());
        assertTrue(r.out().contains("4 cells to train, estimated 0h00m00s + 4 cells of unknown time"), r.out());
        try (Stream<Path> s = Files.list(data)) {
            assertEquals(0, s.count(), "the data folder was written to");
        }
    }
}
