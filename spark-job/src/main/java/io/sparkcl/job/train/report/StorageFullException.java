package io.sparkcl.job.train.report;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A write failed because the file system is full (or a quota is exhausted). The command line reports it as
 * one line, {@code no space left on PATH}, instead of a stack trace. {@link #wrap} turns any write failure
 * into this exception when it was caused by a full disk: Hadoop's local file system reports that as an
 * {@link org.apache.hadoop.fs.FSError} (an Error, which a plain {@code catch (IOException)} misses).
 */
public final class StorageFullException extends UncheckedIOException {
    private final String path;

    public StorageFullException(String path, Throwable cause) {
        super("no space left on " + path, cause instanceof IOException io ? io : new IOException(cause));
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** True when {@code t} or one of its causes says the device or quota is full. */
    public static boolean isNoSpace(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StorageFullException) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("ENOSPC")
                    || m.contains("Disk quota exceeded") || m.contains("DSQuotaExceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The first StorageFullException in the cause chain of {@code t}, or null. */
    public static StorageFullException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof StorageFullException s) {
                return s;
            }
        }
        return null;
    }

    /** {@code failure} of a write to {@code path} as the exception to throw: full disk, or a plain I/O error. */
    public static RuntimeException wrap(String what, Object path, Throwable failure) {
        if (isNoSpace(failure)) {
            return new StorageFullException(String.valueOf(path), failure);
        }
        if (failure instanceof RuntimeException r) {
            return r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new UncheckedIOException(what + " " + path,
                failure instanceof IOException io ? io : new IOException(failure));
    }
}
