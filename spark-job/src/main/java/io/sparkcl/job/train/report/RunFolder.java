package io.sparkcl.job.train.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Layout of a run folder (a Hadoop path):
 * <pre>
 *   config.yaml | config.json   resolved configuration
 *   data.json                   rows per split, quarantined rows, truncated rows, label order
 *   metrics.jsonl               one line per optimizer step
 *   eval.jsonl                  one line per evaluation (split, step, accuracy, macro-F1, per class)
 *   checkpoints/last, best      atomic checkpoints (parameters, optimizer state, data position)
 *   model/                      the final fine-tuned model (FineTunedModel format)
 *   best-model/                 the model of the best checkpoint
 *   summary.json                final numbers
 * </pre>
 */
public record RunFolder(Path root, FileSystem fs, Configuration conf) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Opens the run folder {@code output}, creating it if needed. */
    public RunFolder(String output, Configuration conf) {
        this(new Path(output), fileSystem(output, conf), conf);
        try {
            fs.mkdirs(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + output, e);
        }
    }

    private static FileSystem fileSystem(String output, Configuration conf) {
        try {
            return new Path(output).getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run folder " + output, e);
        }
    }

    public Path path(String name) {
        return new Path(root, name);
    }

    public void writeString(String name, String content) {
        try (FSDataOutputStream out = fs.create(path(name), true)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path(name), e);
        }
    }

    public void writeJson(String name, Object value) {
        try {
            writeString(name, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path(name), e);
        }
    }

    public boolean exists(String name) {
        try {
            return fs.exists(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String readString(String name) {
        try (FSDataInputStream in = fs.open(path(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path(name), e);
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> readJson(String name) {
        try {
            return JSON.readValue(readString(name), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + path(name), e);
        }
    }

    public JsonLines jsonLines(String name, long keepUpToStep) {
        return JsonLines.open(fs, path(name), keepUpToStep);
    }

    /** Copies a local folder (written by a library that only knows java.nio paths) into the run folder. */
    public void uploadFolder(java.nio.file.Path local, String name) {
        try {
            Path target = path(name);
            Path tmp = path("_tmp-" + name);
            fs.delete(tmp, true);
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
            fs.delete(target, true);
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + local + " to " + path(name), e);
        }
    }
}
