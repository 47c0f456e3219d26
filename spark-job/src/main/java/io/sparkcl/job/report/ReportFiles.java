package io.sparkcl.job.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes report files (tables, JSON, PNG) on any Hadoop path, atomically. On the local file system it writes
 * through the raw file system, so no {@code .crc} side files clutter a results folder meant to be committed.
 */
public final class ReportFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportFiles() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} atomically: into {@code _tmp-<name>} next to it, then renamed over it, so an interrupted
     * ablation never leaves a half-written table or plot.
     */
    public static void write(Path file, Configuration conf, Content content) {
        try {
            FileSystem fs = file.getFileSystem(conf);
            FileSystem raw = fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
            Path tmp = new Path(file.getParent(), "_tmp-" + file.getName());
            try (FSDataOutputStream out = raw.create(tmp, true)) {
                content.writeTo(out);
            }
            raw.delete(file, false);
            if (!raw.rename(tmp, file)) {
                throw new IOException("cannot rename " + tmp + " to " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void writeString(Path file, String content, Configuration conf) {
        write(file, conf, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Removes a folder of generated files (before it is written again, so no stale file stays). */
    public static void clear(Path folder, Configuration conf) {
        try {
            folder.getFileSystem(conf).delete(folder, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + folder, e);
        }
    }

    public static void writeJson(Path file, Object value, Configuration conf) {
        try {
            writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value), conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
