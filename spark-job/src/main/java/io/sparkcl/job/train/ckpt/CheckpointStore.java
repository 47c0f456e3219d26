package io.sparkcl.job.train.ckpt;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Atomic checkpoints under {@code <run>/checkpoints/<name>} ("last", "best") on any Hadoop file system.
 * A checkpoint is written completely into {@code checkpoints/_tmp-<uuid>} and then renamed into place;
 * the previous one is first renamed to {@code <name>.old} and deleted only after the new one is in place,
 * so at every moment a complete checkpoint exists under {@code <name>} or {@code <name>.old}.
 * Files: {@code state.json}, {@code params.bin}, {@code optimizer.bin}; {@code state.json} is written last.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final int MAGIC = 0x53434b50; // "SCKP"
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path root;

    public CheckpointStore(String runFolder, Configuration conf) {
        try {
            this.root = new Path(runFolder, "checkpoints");
            this.fs = root.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint folder under " + runFolder, e);
        }
    }

    public Path path(String name) {
        return new Path(root, name);
    }

    public void save(String name, TrainingState s) {
        Path tmp = new Path(root, "_tmp-" + UUID.randomUUID());
        Path target = path(name);
        Path old = new Path(root, name + ".old");
        try {
            fs.mkdirs(tmp);
            writeFloats(new Path(tmp, "params.bin"), s.params());
            try (FSDataOutputStream out = fs.create(new Path(tmp, "optimizer.bin"), true)) {
                out.write(s.optimizerState());
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("next_step", s.nextStep());
            json.put("epoch", s.epoch());
            json.put("step_in_epoch", s.stepInEpoch());
            json.put("seed", s.seed());
            json.put("num_params", s.params().length);
            json.put("best_metric", s.bestMetric());
            json.put("info", s.info());
            try (FSDataOutputStream out = fs.create(new Path(tmp, "state.json"), true)) {
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
            }
            if (fs.exists(old)) {
                fs.delete(old, true);
            }
            if (fs.exists(target) && !fs.rename(target, old)) {
                throw new IOException("cannot rename " + target + " to " + old);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
            fs.delete(old, true);
            LOG.info("checkpoint '{}' written at step {} ({})", name, s.nextStep(), target);
        } catch (IOException e) {
            try {
                fs.delete(tmp, true);
            } catch (IOException ignored) {
                // best effort: the temporary folder is never read
            }
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /** The checkpoint {@code name}, or its ".old" predecessor if a crash hit between the two renames. */
    public Optional<TrainingState> load(String name) {
        try {
            for (Path p : new Path[]{path(name), new Path(root, name + ".old")}) {
                if (fs.exists(new Path(p, "state.json"))) {
                    return Optional.of(read(p));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + path(name), e);
        }
    }

    @SuppressWarnings("unchecked")
    private TrainingState read(Path dir) throws IOException {
        Map<String, Object> json;
        try (FSDataInputStream in = fs.open(new Path(dir, "state.json"))) {
            json = JSON.readValue((java.io.InputStream) in, Map.class);
        }
        float[] params = readFloats(new Path(dir, "params.bin"));
        long expected = ((Number) json.get("num_params")).longValue();
        if (params.length != expected) {
            throw new IOException(dir + "/params.bin has " + params.length + " values, state.json says " + expected);
        }
        byte[] opt;
        try (FSDataInputStream in = fs.open(new Path(dir, "optimizer.bin"))) {
            opt = in.readAllBytes();
        }
        return new TrainingState(((Number) json.get("next_step")).longValue(), ((Number) json.get("epoch")).intValue(),
                ((Number) json.get("step_in_epoch")).longValue(), ((Number) json.get("seed")).longValue(), params, opt,
                ((Number) json.get("best_metric")).doubleValue(), (Map<String, Object>) json.get("info"));
    }

    private void writeFloats(Path p, float[] v) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(fs.create(p, true), 1 << 20))) {
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
    }

    private float[] readFloats(Path p) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(fs.open(p), 1 << 20))) {
            if (in.readInt() != MAGIC) {
                throw new IOException(p + " is not a SparkCL parameter file");
            }
            int n = in.readInt();
            byte[] bytes = new byte[n * 4];
            in.readFully(bytes);
            float[] out = new float[n];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }
}
