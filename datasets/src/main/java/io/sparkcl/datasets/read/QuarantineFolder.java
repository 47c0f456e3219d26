package io.sparkcl.datasets.read;

import io.sparkcl.datasets.DatasetException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;

/**
 * Where bad rows may be written. Writing a split's quarantine replaces the folder (Spark's overwrite mode
 * deletes it first), so the folder must be ours: a default location is a freshly created owner-only folder,
 * and no part of the path below the quarantine root may be a symbolic link (a link planted there would
 * redirect the delete to someone else's files).
 */
public final class QuarantineFolder {
    private QuarantineFolder() {
    }

    /** A new owner-only folder under {@code java.io.tmpdir}, as a {@code file:} URI. */
    public static String createPrivate() {
        try {
            // createTempDirectory picks a fresh random name, fails rather than reuse an existing entry and
            // gives the folder mode 700 on POSIX systems.
            return Files.createTempDirectory("sparkcl-quarantine-").toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private quarantine folder under "
                    + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /**
     * Fails when {@code root} or a folder between it and {@code target} (both included) is a symbolic link.
     * Only local paths can hold links that the JVM follows; other file systems are left as they are.
     */
    public static void requireNoLinks(String root, String target, Configuration conf) {
        Path rootPath = new Path(root);
        Path targetPath = new Path(target);
        try {
            if (!(rootPath.getFileSystem(conf) instanceof LocalFileSystem
                    || rootPath.getFileSystem(conf) instanceof RawLocalFileSystem)) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + root, e);
        }
        java.nio.file.Path base = java.nio.file.Path.of(rootPath.toUri().getPath()).normalize();
        java.nio.file.Path leaf = java.nio.file.Path.of(targetPath.toUri().getPath()).normalize();
        if (!leaf.startsWith(base)) {
            throw new IllegalArgumentException(target + " is not inside " + root);
        }
        for (java.nio.file.Path p = leaf; p != null && p.startsWith(base); p = p.getParent()) {
            if (Files.isSymbolicLink(p) || (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
                throw new DatasetException("the quarantine folder " + p + " is a symbolic link or not a folder; "
                        + "bad rows are never written through a link (remove it or choose another --output)");
            }
        }
    }
}
