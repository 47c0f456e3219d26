package org.apache.hadoop.fs;

import java.io.IOException;

/** Test helper: FSError's constructor is package-private; this is how the local file system reports ENOSPC. */
public final class FsErrors {
    private FsErrors() {
    }

    public static FSError noSpaceLeft() {
        return new FSError(new IOException("No space left on device"));
    }
}
