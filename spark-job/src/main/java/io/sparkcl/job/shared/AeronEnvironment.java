package io.sparkcl.job.shared;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What Aeron (the UDP transport of DL4J's parameter server) needs from the JVM, set before it starts, on the
 * driver and on every executor:
 * <ul>
 *   <li>{@code aeron.publication.unblock.timeout} above the client liveness timeout DL4J sets (30 s): Aeron's
 *       default (15 s) makes its media driver refuse to start with a ConfigurationException.</li>
 *   <li>Room for its memory-mapped log buffers: each publication and image maps 3 terms of 32 MB (DL4J's
 *       term length). They go to /dev/shm; when it is too small (containers default to 64 MB) they go to a
 *       folder under java.io.tmpdir instead (slower), and when that is too small too, a clear error.</li>
 * </ul>
 */
public final class AeronEnvironment {
    static final String UNBLOCK_TIMEOUT = "aeron.publication.unblock.timeout";
    static final String CLIENT_LIVENESS_NS = "30000000000";
    static final String UNBLOCK_TIMEOUT_NS = "60000000000";
    static final String AERON_DIR = "aeron.dir";
    static final String TERM_LENGTH = "aeron.term.buffer.length";
    /** DL4J's default term length (2^25 bytes). */
    static final long DEFAULT_TERM = 1L << 25;
    private static final Logger LOG = LoggerFactory.getLogger(AeronEnvironment.class);

    private AeronEnvironment() {
    }

    /** Bytes of log buffers one JVM may map: a publication and a few images of 3 terms each, plus slack. */
    public static long bytesNeeded() {
        long term = Long.getLong(TERM_LENGTH, DEFAULT_TERM);
        return 4 * 3 * term + (64L << 20);
    }

    /** Sets what is missing in this JVM; returns the folder Aeron will use. Idempotent. */
    public static synchronized Path prepare() {
        String unblock = System.getProperty(UNBLOCK_TIMEOUT);
        if (unblock == null) {
            System.setProperty(UNBLOCK_TIMEOUT, UNBLOCK_TIMEOUT_NS);
        } else if (nanos(unblock) <= Long.parseLong(CLIENT_LIVENESS_NS)) {
            throw new IllegalStateException("shared mode: -D" + UNBLOCK_TIMEOUT + "=" + unblock + " must be above"
                    + " the parameter server's client liveness timeout (30 s = " + CLIENT_LIVENESS_NS + " ns); use "
                    + UNBLOCK_TIMEOUT_NS + " or leave it unset");
        }
        long need = bytesNeeded();
        String configured = System.getProperty(AERON_DIR);
        if (configured != null) {
            Path dir = Paths.get(configured).toAbsolutePath();
            requireSpace(parentThatExists(dir), need, "-D" + AERON_DIR + "=" + configured);
            return dir;
        }
        Path shm = Paths.get("/dev/shm");
        String user = System.getProperty("user.name", "sparkcl");
        if (Files.isDirectory(shm) && usable(shm) >= need) {
            return shm.resolve("aeron-" + user);
        }
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"), "aeron-" + user);
        requireSpace(parentThatExists(tmp), need, "java.io.tmpdir (/dev/shm has " + mb(Files.isDirectory(shm)
                ? usable(shm) : 0) + " MB free)");
        LOG.warn("shared mode: /dev/shm has less than {} MB free; the parameter server's buffers go to {} (slower)."
                + " Give the container more shared memory (e.g. docker --shm-size=1g) to keep them in memory.",
                mb(need), tmp);
        System.setProperty(AERON_DIR, tmp.toString());
        return tmp;
    }

    private static void requireSpace(Path where, long need, String what) {
        long free = usable(where);
        if (free < need) {
            throw new IllegalStateException("shared mode: the parameter server (Aeron) needs about " + mb(need)
                    + " MB for its buffers but " + where + " (" + what + ") has " + mb(free) + " MB free. Give /dev/shm"
                    + " more room (docker --shm-size=1g), point -D" + AERON_DIR + " at a folder with space, or lower"
                    + " -D" + TERM_LENGTH + " (a power of two, default " + DEFAULT_TERM + ")");
        }
    }

    private static Path parentThatExists(Path p) {
        Path q = p;
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q == null ? new File(".").toPath() : q;
    }

    private static long usable(Path p) {
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }

    /** Aeron durations: plain nanoseconds or with a unit suffix (s, ms, us, ns). */
    static long nanos(String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Long.parseLong(s.substring(0, s.length() - 2)) * 1_000_000L;
            }
            if (s.endsWith("us")) {
                return Long.parseLong(s.substring(0, s.length() - 2)) * 1_000L;
            }
            if (s.endsWith("ns")) {
                return Long.parseLong(s.substring(0, s.length() - 2));
            }
            if (s.endsWith("s")) {
                return Long.parseLong(s.substring(0, s.length() - 1)) * 1_000_000_000L;
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("shared mode: -D" + UNBLOCK_TIMEOUT + "=" + v + " is not a duration");
        }
    }
}
