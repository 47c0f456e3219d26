package io.sparkcl.job.train.report;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An exclusive lock on a run folder for the whole of a run: the file {@code <run>/.sparkcl-lock}, created
 * atomically (create-if-absent: {@code O_EXCL} on a local disk, HDFS's atomic create elsewhere), holding who
 * holds it. A second process on the same folder fails at once. A lock left by a process that was killed
 * (same host, process gone) is taken over with a warning, so that {@code --resume} after a crash works; a
 * lock of another host cannot be checked and must be removed by hand.
 */
public final class RunFolderLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunFolderLock.class);
    public static final String FILE = ".sparkcl-lock";

    private final FileSystem fs;
    private final Path lock;
    private final String owner;
    private final Thread releaseOnExit;
    private boolean released;

    private RunFolderLock(FileSystem fs, Path lock, String owner) {
        this.fs = fs;
        this.lock = lock;
        this.owner = owner;
        // SIGTERM / Ctrl-C run shutdown hooks but not finally blocks
        this.releaseOnExit = new Thread(this::release, "sparkcl-release-run-folder-lock");
        Runtime.getRuntime().addShutdownHook(releaseOnExit);
    }

    /** Thrown when another live process holds the folder. */
    public static final class HeldException extends RuntimeException {
        HeldException(String message) {
            super(message);
        }
    }

    /**
     * Takes the lock, creating the folder if needed.
     *
     * @throws HeldException when another process holds it
     */
    public static RunFolderLock acquire(String folder, Configuration conf) {
        Path dir = new Path(folder);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            Path lock = new Path(dir, FILE);
            String owner = Holder.current().format();
            for (int attempt = 0; attempt < 3; attempt++) {
                if (createExclusively(fs, lock, owner)) {
                    return new RunFolderLock(fs, lock, owner);
                }
                Optional<Holder> holder = read(fs, lock);
                if (holder.isEmpty() && justCreated(fs, lock)) {
                    // another process has created the lock and is still writing it (non-local file systems)
                    throw new HeldException(folder + " is being locked by another run that is starting");
                }
                if (holder.isPresent() && !holder.get().isDeadOnThisHost()) {
                    throw new HeldException(folder + " is in use by another run (" + holder.get().describe()
                            + "); wait for it to finish or choose another folder. If no run is active (e.g. it ran "
                            + "on another machine and was killed), delete " + lock);
                }
                // The holder was killed (or the file is empty/partial): move the stale lock away atomically,
                // so that of two processes taking it over only one succeeds, and try again.
                Path stale = new Path(dir, FILE + ".stale-" + UUID.randomUUID());
                if (renameIfPresent(fs, lock, stale)) {
                    LOG.warn("taking over the lock of {} left by {}", folder,
                            holder.map(Holder::describe).orElse("an unreadable lock file"));
                    fs.delete(stale, false);
                }
            }
            throw new HeldException("cannot take the lock " + lock + " (other processes keep taking it)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the run folder " + folder, e);
        }
    }

    private static boolean createExclusively(FileSystem fs, Path lock, String content) throws IOException {
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            // Hadoop's local create(overwrite=false) checks and then creates (a race). Instead the content is
            // written to a private file that is then hard-linked to the lock name: link() fails when the name
            // exists, and the lock never appears without its content.
            java.nio.file.Path p = java.nio.file.Path.of(fs.makeQualified(lock).toUri());
            java.nio.file.Path draft = p.resolveSibling(FILE + ".draft-" + UUID.randomUUID());
            Files.writeString(draft, content, StandardCharsets.UTF_8);
            try {
                Files.createLink(p, draft);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(draft);
            }
        }
        try (FSDataOutputStream out = fs.create(lock, false)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(lock)) {
                return false; // some file systems report the conflict as a plain IOException
            }
            throw e;
        }
    }

    /** False when another process moved the lock away first (some file systems then throw). */
    private static boolean renameIfPresent(FileSystem fs, Path from, Path to) throws IOException {
        try {
            return fs.rename(from, to);
        } catch (java.io.FileNotFoundException e) {
            return false;
        }
    }

    private static boolean justCreated(FileSystem fs, Path lock) {
        try {
            return System.currentTimeMillis() - fs.getFileStatus(lock).getModificationTime() < 10_000;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Holder> read(FileSystem fs, Path lock) throws IOException {
        try (FSDataInputStream in = fs.open(lock)) {
            return Holder.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Removes the lock if this process still holds it. */
    public synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        try {
            Optional<Holder> now = read(fs, lock);
            if (now.isPresent() && now.get().format().equals(owner)) {
                fs.delete(lock, false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot remove the run folder lock {}: {}", lock, e.getMessage());
        }
    }

    @Override
    public void close() {
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(releaseOnExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs release() again, which is a no-op
        }
    }

    /** Who holds a lock: host, process id, its start time (pids are reused) and when the lock was taken. */
    record Holder(String host, long pid, String processStart, String since) {
        static Holder current() {
            ProcessHandle self = ProcessHandle.current();
            return new Holder(hostName(), self.pid(), startOf(self), Instant.now().toString());
        }

        String format() {
            return "host=" + host + "\npid=" + pid + "\nprocess-start=" + processStart + "\nsince=" + since + "\n";
        }

        static Optional<Holder> parse(String text) {
            java.util.Map<String, String> m = new java.util.HashMap<>();
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            try {
                return Optional.of(new Holder(m.get("host"), Long.parseLong(m.get("pid")), m.get("process-start"),
                        m.get("since")));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        boolean isDeadOnThisHost() {
            if (host == null || !host.equals(hostName())) {
                return false;
            }
            Optional<ProcessHandle> p = ProcessHandle.of(pid);
            return p.isEmpty() || !p.get().isAlive() || !startOf(p.get()).equals(processStart);
        }

        String describe() {
            return "process " + pid + " on " + host + " since " + since;
        }

        private static String startOf(ProcessHandle p) {
            return p.info().startInstant().map(Instant::toString).orElse("?");
        }

        private static String hostName() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "localhost";
            }
        }
    }
}
