package io.sparkcl.job.train;

import io.sparkcl.job.train.ckpt.CheckpointStore;
import io.sparkcl.job.train.ckpt.TrainingState;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStoreTest {

    @TempDir
    Path dir;

    private static TrainingState state(long step, float v) {
        return new TrainingState(step, 1, step % 4, 42, new float[]{v, -v, 3.5f}, new byte[]{1, 2, (byte) step}, 0.5,
                Map.of("best_step", 3));
    }

    @Test
    void roundTripAndReplaceLeaveOnlyCompleteCheckpoints() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.toUri().toString(), new Configuration());
        store.save("last", state(4, 1.5f));
        store.save("last", state(8, 2.5f));
        TrainingState back = store.load("last").orElseThrow();
        assertEquals(8, back.nextStep());
        assertArrayEquals(new float[]{2.5f, -2.5f, 3.5f}, back.params());
        assertArrayEquals(new byte[]{1, 2, 8}, back.optimizerState());
        assertEquals(0.5, back.bestMetric());
        try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
            // no temporary or ".old" folders remain visible (crc side files of the local FS aside)
            assertEquals(java.util.List.of("last"), s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList());
        }
    }

    @Test
    void crashBetweenTheTwoRenamesFallsBackToThePreviousCheckpoint() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.toUri().toString(), new Configuration());
        store.save("last", state(4, 1.5f));
        // simulate: old moved away, new one not yet renamed into place
        File ckpts = dir.resolve("checkpoints").toFile();
        assertTrue(new File(ckpts, "last").renameTo(new File(ckpts, "last.old")));
        TrainingState back = store.load("last").orElseThrow();
        assertEquals(4, back.nextStep());
        // and a half-written temporary folder is never read
        Files.createDirectories(dir.resolve("checkpoints/_tmp-123"));
        Files.writeString(dir.resolve("checkpoints/_tmp-123/params.bin"), "partial");
        assertEquals(4, store.load("last").orElseThrow().nextStep());
        assertTrue(store.load("best").isEmpty());
    }
}
