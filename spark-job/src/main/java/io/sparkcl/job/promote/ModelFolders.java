package io.sparkcl.job.promote;

import io.sparkcl.model.FineTunedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Finding a model inside a run folder, and installing a model folder in place of another (Hadoop paths). */
public final class ModelFolders {
    private ModelFolders() {
    }

    /** {@code path} itself when it holds a saved model, else {@code path/model} (a run folder). */
    public static String resolve(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            if (fs.exists(new Path(p, FineTunedModel.LABELS_FILE))) {
                return path;
            }
            Path inRun = new Path(p, "model");
            if (fs.exists(new Path(inRun, FineTunedModel.LABELS_FILE))) {
                return inRun.toString();
            }
            throw new IllegalArgumentException("no fine-tuned model at " + path + " (neither " + path + "/"
                    + FineTunedModel.LABELS_FILE + " nor " + path + "/model/" + FineTunedModel.LABELS_FILE + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies {@code source} to {@code target}: first into a hidden sibling of the target, then the old target is
     * renamed to {@code target.previous} (replacing an older one) and the copy renamed into place, so a reader
     * sees either the old or the new complete model; {@code note} is written into the copy as promotion.json.
     */
    public static void install(String source, String target, String note, Configuration conf) {
        Path src = new Path(source);
        Path dst = new Path(target);
        try {
            FileSystem fs = dst.getFileSystem(conf);
            Path tmp = new Path(dst.getParent(), "." + dst.getName() + ".tmp-" + UUID.randomUUID());
            if (!FileUtil.copy(src.getFileSystem(conf), src, fs, tmp, false, conf)) {
                throw new IOException("copy of " + src + " to " + tmp + " failed");
            }
            try (var out = fs.create(new Path(tmp, "promotion.json"), true)) {
                out.write(note.getBytes(StandardCharsets.UTF_8));
            }
            Path previous = new Path(dst.getParent(), dst.getName() + ".previous");
            boolean hadCurrent = fs.exists(dst);
            if (hadCurrent) {
                fs.delete(previous, true);
                rename(fs, dst, previous);
            }
            try {
                rename(fs, tmp, dst);
            } catch (IOException e) {
                if (hadCurrent) {
                    rename(fs, previous, dst); // put the current model back
                }
                fs.delete(tmp, true);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + source + " as " + target + ": " + e.getMessage(), e);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename of " + from + " to " + to + " failed");
        }
    }
}
