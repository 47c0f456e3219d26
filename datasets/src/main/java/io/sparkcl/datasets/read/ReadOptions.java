package io.sparkcl.datasets.read;

import io.sparkcl.datasets.quarantine.BadRowThreshold;

/**
 * Options shared by every read.
 *
 * @param quarantineDir Hadoop path of the quarantine folder; bad rows of dataset D, split S go to
 *                      {@code <quarantineDir>/D/S/} as JSON lines. Null: a private folder created for the
 *                      reader ({@code <java.io.tmpdir>/sparkcl-quarantine-<random>}, owner-only), never a
 *                      fixed shared path that another user could have planted a link at.
 * @param maxBadRows    allowance of bad rows per split before the read fails
 */
public record ReadOptions(String quarantineDir, BadRowThreshold maxBadRows) {

    public ReadOptions {
        if (quarantineDir != null && quarantineDir.isBlank()) {
            quarantineDir = null;
        }
        if (maxBadRows == null) {
            maxBadRows = BadRowThreshold.DEFAULT;
        }
    }

    public static ReadOptions defaults() {
        return new ReadOptions(null, null);
    }
}
