package io.sparkcl.job.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

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

    /**
     * Deletes the files directly in {@code folder} that are not in {@code keep}: generated files that a new pass
     * no longer writes. Called after the new files are in place, so the folder is never left empty half-way.
     */
    public static void removeAllBut(Path folder, Set<Path> keep, Configuration conf) {
        try {
            FileSystem fs = folder.getFileSystem(conf);
            if (!fs.exists(folder)) {
                return;
            }
            Set<Path> kept = keep.stream().map(fs::makeQualified).collect(Collectors.toSet());
            for (FileStatus file : fs.listStatus(folder)) {
                if (!kept.contains(fs.makeQualified(file.getPath()))) {
                    fs.delete(file.getPath(), true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tidy " + folder, e);
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
