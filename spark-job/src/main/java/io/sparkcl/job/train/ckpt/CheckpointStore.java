package io.sparkcl.job.train.ckpt;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.train.report.StorageFullException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Atomic, verified checkpoints under {@code <run>/checkpoints/<name>} ("last", "best") on any Hadoop file system.
 * <ul>
 *   <li>Atomic: a checkpoint is written completely into {@code checkpoints/_tmp-<uuid>} and then renamed into
 *   place; the previous one is first renamed away and deleted (or kept, see retention) only after the new one
 *   is in place, so at every moment a complete checkpoint exists.</li>
 *   <li>Verified: {@code state.json} (written last) holds the SHA-256 of every other file of the checkpoint;
 *   a checkpoint whose bytes do not match is never loaded. Loading falls back to the previous checkpoint
 *   with a warning, and fails with a clear error when there is none.</li>
 *   <li>Retention ({@code --save-total-limit}, {@code RunConfig#saveTotalLimit}): the newest {@code keep} full
 *   checkpoints are kept as
 *   {@code last}, {@code last.1}, …; a weights-only checkpoint ({@link #saveWeights}, used for "best")
 *   has no optimizer state, a third of the size.</li>
 *   <li>Failures: the temporary folder of a failed write is removed, and so are leftovers of a killed run when
 *   the store is opened; a full disk is reported as {@link StorageFullException}.</li>
 * </ul>
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final int MAGIC = 0x53434b50; // "SCKP"
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String STATE = "state.json";
    static final String PARAMS = "params.bin";
    static final String OPTIMIZER = "optimizer.bin";
    private static final String TMP_PREFIX = "_tmp-";

    private final FileSystem fs;
    private final Path root;
    private final int keep;

    /** Full checkpoints kept when the run does not say ({@code --save-total-limit}'s default). */
    public static final int DEFAULT_KEEP = 1;

    /** Keeps {@link #DEFAULT_KEEP} full checkpoint (enough for loading; a run passes its own limit). */
    public CheckpointStore(String runFolder, Configuration conf) {
        this(runFolder, conf, DEFAULT_KEEP);
    }

    public CheckpointStore(String runFolder, Configuration conf, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("at least one checkpoint must be kept, got " + keep);
        }
        try {
            this.root = new Path(runFolder, "checkpoints");
            this.fs = root.getFileSystem(conf);
            this.keep = keep;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint folder under " + runFolder, e);
        }
        removeTemporaryFolders();
    }

    public Path path(String name) {
        return new Path(root, name);
    }

    /** A full, resumable checkpoint: parameters, optimizer state and data position. */
    public void save(String name, TrainingState s) {
        write(name, s, true);
    }

    /** Parameters and position only (no optimizer state): enough to export a model, not to resume. */
    public void saveWeights(String name, TrainingState s) {
        write(name, s, false);
    }

    private void write(String name, TrainingState s, boolean withOptimizer) {
        Path tmp = new Path(root, TMP_PREFIX + UUID.randomUUID());
        Path target = path(name);
        try {
            fs.mkdirs(tmp);
            Map<String, String> digests = new LinkedHashMap<>();
            digests.put(PARAMS, writeFloats(new Path(tmp, PARAMS), s.params()));
            if (withOptimizer) {
                digests.put(OPTIMIZER, writeBytes(new Path(tmp, OPTIMIZER), s.optimizerState()));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("next_step", s.nextStep());
            json.put("epoch", s.epoch());
            json.put("step_in_epoch", s.stepInEpoch());
            json.put("seed", s.seed());
            json.put("num_params", s.params().length);
            json.put("best_metric", s.bestMetric());
            json.put("info", s.info());
            json.put("sha256", digests);
            writeBytes(new Path(tmp, STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            putInPlace(name, tmp, target, withOptimizer ? keep : 1);
            LOG.info("checkpoint '{}' written at step {} ({})", name, s.nextStep(), target);
        } catch (IOException | FSError | UncheckedIOException e) {
            try {
                fs.delete(tmp, true);
            } catch (IOException | FSError ignored) {
                // best effort: the temporary folder is never read and is removed when the store is next opened
            }
            throw StorageFullException.wrap("cannot write checkpoint", target, e);
        }
    }

    /**
     * Renames {@code tmp} to {@code target}; the previous checkpoint becomes {@code name.1} (older ones shift
     * up to {@code name.(versions-1)}, the oldest is deleted), or {@code name.old}, deleted at the end, when
     * only one version is kept.
     */
    private void putInPlace(String name, Path tmp, Path target, int versions) throws IOException {
        Path old = new Path(root, name + ".old");
        if (fs.exists(old)) {
            fs.delete(old, true);
        }
        if (fs.exists(target)) {
            Path previous = versions > 1 ? older(name, 1) : old;
            if (versions > 1) {
                fs.delete(older(name, versions - 1), true);
                for (int i = versions - 2; i >= 1; i--) {
                    if (fs.exists(older(name, i)) && !fs.rename(older(name, i), older(name, i + 1))) {
                        throw new IOException("cannot rename " + older(name, i) + " to " + older(name, i + 1));
                    }
                }
            }
            if (!fs.rename(target, previous)) {
                throw new IOException("cannot rename " + target + " to " + previous);
            }
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        fs.delete(old, true);
    }

    private Path older(String name, int i) {
        return new Path(root, name + "." + i);
    }

    /**
     * The newest intact checkpoint {@code name}: itself, else its ".old" (a crash between two renames), else
     * the kept older versions. A damaged checkpoint is skipped with a warning; when every one found is
     * damaged, fails naming them.
     */
    public Optional<TrainingState> load(String name) {
        List<Path> candidates = new ArrayList<>(List.of(path(name), new Path(root, name + ".old")));
        for (int i = 1; i < Math.max(keep, 2) + 8; i++) {
            candidates.add(older(name, i)); // also versions kept by an earlier run with a larger limit
        }
        List<String> damaged = new ArrayList<>();
        try {
            for (Path p : candidates) {
                if (!fs.exists(new Path(p, STATE))) {
                    continue;
                }
                try {
                    TrainingState s = read(p);
                    if (!damaged.isEmpty()) {
                        LOG.warn("using the older checkpoint {} (step {}) because {} is damaged", p, s.nextStep(),
                                damaged);
                    }
                    return Optional.of(s);
                } catch (DamagedCheckpointException | org.apache.hadoop.fs.ChecksumException e) {
                    LOG.warn("checkpoint {} is damaged: {}", p, e.getMessage());
                    damaged.add(p + " (" + e.getMessage() + ")");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + path(name), e);
        }
        if (!damaged.isEmpty()) {
            throw new IllegalStateException("no intact checkpoint '" + name + "': " + String.join("; ", damaged)
                    + ". Restore it from a copy, or delete " + root + " to train from the start");
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private TrainingState read(Path dir) throws IOException {
        Map<String, Object> json;
        try (FSDataInputStream in = fs.open(new Path(dir, STATE))) {
            json = JSON.readValue((InputStream) in, Map.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new DamagedCheckpointException(STATE + " is not valid JSON");
        }
        Map<String, String> digests = (Map<String, String>) json.get("sha256");
        if (digests == null) {
            LOG.warn("checkpoint {} was written by an older SparkCL without checksums: loaded unverified", dir);
            digests = new LinkedHashMap<>();
            digests.put(OPTIMIZER, null);
        }
        float[] params = readFloats(new Path(dir, PARAMS), digests.get(PARAMS));
        long expected = ((Number) json.get("num_params")).longValue();
        if (params.length != expected) {
            throw new DamagedCheckpointException(PARAMS + " has " + params.length + " values, " + STATE + " says "
                    + expected);
        }
        byte[] opt = new byte[0];
        if (digests.containsKey(OPTIMIZER)) {
            opt = readBytes(new Path(dir, OPTIMIZER), digests.get(OPTIMIZER));
        }
        return new TrainingState(((Number) json.get("next_step")).longValue(), ((Number) json.get("epoch")).intValue(),
                ((Number) json.get("step_in_epoch")).longValue(), ((Number) json.get("seed")).longValue(), params, opt,
                ((Number) json.get("best_metric")).doubleValue(), (Map<String, Object>) json.get("info"));
    }

    /** Leftovers of writes that failed or were killed; only this run writes here (the run folder is locked). */
    private void removeTemporaryFolders() {
        try {
            if (!fs.exists(root)) {
                return;
            }
            for (FileStatus st : fs.listStatus(root)) {
                if (st.getPath().getName().startsWith(TMP_PREFIX)) {
                    LOG.info("removing the unfinished checkpoint {}", st.getPath());
                    fs.delete(st.getPath(), true);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot remove unfinished checkpoints under {}: {}", root, e.getMessage());
        }
    }

    private String writeBytes(Path p, byte[] bytes) throws IOException {
        MessageDigest sha = sha256();
        try (OutputStream out = new DigestOutputStream(fs.create(p, true), sha)) {
            out.write(bytes);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private byte[] readBytes(Path p, String expectedSha) throws IOException {
        MessageDigest sha = sha256();
        byte[] bytes;
        try (InputStream in = new DigestInputStream(open(p), sha)) {
            bytes = in.readAllBytes();
        }
        verify(p, sha, expectedSha);
        return bytes;
    }

    private String writeFloats(Path p, float[] v) throws IOException {
        MessageDigest sha = sha256();
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                new DigestOutputStream(fs.create(p, true), sha), 1 << 20))) {
            out.writeInt(MAGIC);
            out.writeInt(v.length);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(f);
            }
            out.write(buf.array(), 0, buf.position());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private float[] readFloats(Path p, String expectedSha) throws IOException {
        MessageDigest sha = sha256();
        float[] out;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                new DigestInputStream(open(p), sha), 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new DamagedCheckpointException(p.getName() + " is not a SparkCL parameter file");
            }
            int n = in.readInt();
            if (n < 0) {
                throw new DamagedCheckpointException(p.getName() + " has a negative length");
            }
            byte[] bytes = new byte[Math.multiplyExact(n, 4)];
            in.readFully(bytes);
            if (in.read() != -1) {
                throw new DamagedCheckpointException(p.getName() + " is longer than its header says");
            }
            out = new float[n];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        } catch (java.io.EOFException e) {
            throw new DamagedCheckpointException(p.getName() + " is shorter than its header says");
        }
        verify(p, sha, expectedSha);
        return out;
    }

    private InputStream open(Path p) throws IOException {
        if (!fs.exists(p)) {
            throw new DamagedCheckpointException(p.getName() + " is missing");
        }
        // Hadoop's local file system checks .crc side files when they exist; a damaged byte then surfaces as
        // a ChecksumException, which is a damaged checkpoint like any other.
        return fs.open(p);
    }

    /** {@code expected} null: an unverified checkpoint of an older version. */
    private static void verify(Path p, MessageDigest sha, String expected) throws DamagedCheckpointException {
        String actual = HexFormat.of().formatHex(sha.digest());
        if (expected != null && !expected.equals(actual)) {
            throw new DamagedCheckpointException(p.getName() + " does not match its SHA-256 in " + STATE);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A checkpoint whose files are missing, truncated or do not match their checksums. */
    static final class DamagedCheckpointException extends IOException {
        DamagedCheckpointException(String message) {
            super(message);
        }
    }
}
