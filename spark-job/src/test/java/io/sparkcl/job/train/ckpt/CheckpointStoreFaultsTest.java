package io.sparkcl.job.train.ckpt;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged checkpoints, a full disk and retention (issue 13, items 5, 6 and 18). */
class CheckpointStoreFaultsTest {
    @TempDir
    Path dir;

    @AfterEach
    void refill() {
        FullDiskFileSystem.BUDGET.set(Long.MAX_VALUE);
    }

    private static TrainingState state(long step, int n) {
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = step + i * 0.25f;
        }
        return new TrainingState(step, 0, step, 42, p, new byte[]{1, 2, (byte) step}, 0.5, Map.of("best_step", 3));
    }

    /** Flips one byte of params.bin and removes Hadoop's .crc side file, as a user copying files might. */
    private void corrupt(String checkpoint) throws Exception {
        Path params = dir.resolve("checkpoints").resolve(checkpoint).resolve("params.bin");
        try (RandomAccessFile f = new RandomAccessFile(params.toFile(), "rw")) {
            f.seek(20);
            int b = f.read();
            f.seek(20);
            f.write(b ^ 0x40);
        }
        Files.deleteIfExists(params.resolveSibling(".params.bin.crc"));
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void aCorruptedCheckpointWithoutItsCrcIsRefused() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.toUri().toString(), new Configuration(), 1);
        store.save("last", state(4, 100));
        corrupt("last");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.load("last"));
        assertTrue(e.getMessage().contains("params.bin does not match its SHA-256"), e.getMessage());
    }

    @Test
    void aCorruptedCheckpointFallsBackToTheKeptPreviousOne() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.toUri().toString(), new Configuration(), 2);
        store.save("last", state(4, 100));
        store.save("last", state(8, 100));
        store.save("last", state(12, 100));
        assertEquals(List.of("last", "last.1"), entries());
        corrupt("last");
        TrainingState back = store.load("last").orElseThrow();
        assertEquals(8, back.nextStep());
        assertArrayEquals(state(8, 100).params(), back.params());
    }

    @Test
    void weightsOnlyCheckpointsHaveNoOptimizerState() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.toUri().toString(), new Configuration(), 1);
        store.saveWeights("best", state(4, 100));
        assertFalse(Files.exists(dir.resolve("checkpoints/best/optimizer.bin")));
        TrainingState back = store.load("best").orElseThrow();
        assertArrayEquals(state(4, 100).params(), back.params());
        assertEquals(0, back.optimizerState().length);
    }

    @Test
    void aFullDiskIsOneClearErrorAndLeavesNoTemporaryFolder() throws Exception {
        Configuration conf = FullDiskFileSystem.conf();
        String run = "fulldisk://" + dir.toAbsolutePath();
        CheckpointStore store = new CheckpointStore(run, conf, 1);
        store.save("last", state(4, 100));
        FullDiskFileSystem.BUDGET.set(200);
        StorageFullExceptionCheck.assertNoSpace(assertThrows(RuntimeException.class,
                () -> store.save("last", state(8, 100))), "checkpoints/last");
        assertEquals(List.of("last"), entries());
        FullDiskFileSystem.BUDGET.set(Long.MAX_VALUE);
        assertEquals(4, store.load("last").orElseThrow().nextStep());
    }

    @Test
    void leftoversOfAKilledWriteAreRemovedWhenTheStoreIsOpened() throws Exception {
        Files.createDirectories(dir.resolve("checkpoints/_tmp-1234"));
        Files.writeString(dir.resolve("checkpoints/_tmp-1234/params.bin"), "partial");
        new CheckpointStore(dir.toUri().toString(), new Configuration(), 1);
        assertEquals(List.of(), entries());
    }
}
