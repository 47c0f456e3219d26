package io.sparkcl.job.cli;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The process's umask, handed to Hadoop. Hadoop's file systems do not use the umask of the process: they
 * apply their own {@code fs.permissions.umask-mode} (default 022) and chmod every file and folder they
 * create, so under {@code umask 077} a run's checkpoints, quarantined rows and metrics would be readable by
 * everyone. Setting Hadoop's umask to the process's makes every write honour it; a value the user set
 * explicitly (also as {@code spark.hadoop.fs.permissions.umask-mode}) is kept.
 */
public final class ProcessUmask {
    public static final String HADOOP_KEY = "fs.permissions.umask-mode";
    private static volatile String detected;

    private ProcessUmask() {
    }

    /** The umask as three octal digits (e.g. "077"), or null when the platform has no POSIX permissions. */
    public static String octal() {
        if (detected == null) {
            detected = detect();
        }
        return detected.isEmpty() ? null : detected;
    }

    /** Hadoop's umask from the process's, unless set already. */
    public static Configuration applyTo(Configuration conf) {
        String umask = octal();
        if (umask != null && !isUserSet(conf)) {
            conf.set(HADOOP_KEY, umask);
        }
        return conf;
    }

    private static boolean isUserSet(Configuration conf) {
        String[] sources = conf.getPropertySources(HADOOP_KEY);
        return sources != null && java.util.Arrays.stream(sources).noneMatch(s -> s.contains("default.xml"));
    }

    /** A new folder gets mode 777 minus the umask: its permissions reveal every bit. */
    private static String detect() {
        Path probe = null;
        try {
            Path parent = Files.createTempDirectory("sparkcl-umask-");
            probe = parent.resolve("probe");
            try {
                Files.createDirectory(probe);
                Set<PosixFilePermission> granted = Files.getPosixFilePermissions(probe);
                int mode = 0;
                for (PosixFilePermission p : granted) {
                    mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 = bit 8 (0400)
                }
                return String.format("%03o", ~mode & 0777);
            } finally {
                Files.deleteIfExists(probe);
                Files.deleteIfExists(parent);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
