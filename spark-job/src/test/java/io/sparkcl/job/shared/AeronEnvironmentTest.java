package io.sparkcl.job.shared;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AeronEnvironmentTest {
    private String unblock;
    private String dir;

    @TempDir
    Path tmp;

    @BeforeEach
    void save() {
        unblock = System.getProperty(AeronEnvironment.UNBLOCK_TIMEOUT);
        dir = System.getProperty(AeronEnvironment.AERON_DIR);
    }

    @AfterEach
    void restore() {
        set(AeronEnvironment.UNBLOCK_TIMEOUT, unblock);
        set(AeronEnvironment.AERON_DIR, dir);
    }

    private static void set(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void theUnblockTimeoutIsSetWhenMissing() {
        System.clearProperty(AeronEnvironment.UNBLOCK_TIMEOUT);
        AeronEnvironment.prepare();
        assertEquals(AeronEnvironment.UNBLOCK_TIMEOUT_NS, System.getProperty(AeronEnvironment.UNBLOCK_TIMEOUT));
    }

    @Test
    void anUnblockTimeoutAeronWouldRejectIsExplained() {
        System.setProperty(AeronEnvironment.UNBLOCK_TIMEOUT, "15s");
        IllegalStateException e = assertThrows(IllegalStateException.class, AeronEnvironment::prepare);
        assertTrue(e.getMessage().contains("aeron.publication.unblock.timeout=15s"), e.getMessage());
    }

    @Test
    void durationsReadAsAeronReadsThem() {
        assertEquals(60_000_000_000L, AeronEnvironment.nanos("60000000000"));
        assertEquals(60_000_000_000L, AeronEnvironment.nanos("60s"));
        assertEquals(15_000_000_000L, AeronEnvironment.nanos("15000ms"));
        assertEquals(7_000L, AeronEnvironment.nanos("7us"));
    }

    @Test
    void aConfiguredFolderIsUsedWhenItHasRoom() {
        System.setProperty(AeronEnvironment.AERON_DIR, tmp.resolve("aeron").toString());
        assertEquals(tmp.resolve("aeron").toAbsolutePath(), AeronEnvironment.prepare());
    }

    @Test
    void aFolderWithoutRoomIsExplained() {
        String term = System.getProperty(AeronEnvironment.TERM_LENGTH);
        try {
            // 4 TiB terms: no test machine has room for their buffers
            System.setProperty(AeronEnvironment.TERM_LENGTH, Long.toString(1L << 42));
            System.setProperty(AeronEnvironment.AERON_DIR, tmp.resolve("aeron").toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, AeronEnvironment::prepare);
            assertTrue(e.getMessage().contains("MB free") && e.getMessage().contains("--shm-size"), e.getMessage());
        } finally {
            set(AeronEnvironment.TERM_LENGTH, term);
        }
    }
}
