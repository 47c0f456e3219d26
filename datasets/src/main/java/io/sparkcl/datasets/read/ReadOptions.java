package io.sparkcl.datasets.read;

import io.sparkcl.datasets.quarantine.BadRowThreshold;

import java.io.File;

/**
 * Options shared by every read.
 *
 * @param quarantineDir Hadoop path of the quarantine folder; bad rows of dataset D, split S go to
 *                      {@code <quarantineDir>/D/S/} as JSON lines. Null: {@code <java.io.tmpdir>/sparkcl-quarantine}.
 * @param maxBadRows    allowance of bad rows per split before the read fails
 */
public record ReadOptions(String quarantineDir, BadRowThreshold maxBadRows) {

    public ReadOptions {
        if (quarantineDir == null || quarantineDir.isBlank()) {
            quarantineDir = new File(System.getProperty("java.io.tmpdir"), "sparkcl-quarantine").toURI().toString();
        }
        if (maxBadRows == null) {
            maxBadRows = BadRowThreshold.DEFAULT;
        }
    }

    public static ReadOptions defaults() {
        return new ReadOptions(null, null);
    }
}
