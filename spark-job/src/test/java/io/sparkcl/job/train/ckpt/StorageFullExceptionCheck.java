package io.sparkcl.job.train.ckpt;

import io.sparkcl.job.train.report.StorageFullException;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Asserts that a failure is reported as "no space left on PATH". */
final class StorageFullExceptionCheck {
    private StorageFullExceptionCheck() {
    }

    static void assertNoSpace(Throwable t, String pathPart) {
        StorageFullException e = StorageFullException.find(t);
        assertNotNull(e, "not reported as a full disk: " + t);
        assertTrue(e.getMessage().startsWith("no space left on "), e.getMessage());
        assertTrue(e.path().contains(pathPart), e.path());
    }
}
