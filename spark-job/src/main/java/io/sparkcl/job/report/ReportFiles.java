package io.sparkcl.job.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes report files (tables, JSON, PNG) on any Hadoop path. On the local file system it writes through the
 * raw file system, so no {@code .crc} side files clutter a results folder that is meant to be committed.
 */
public final class ReportFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportFiles() {
    }

    /** A new file at {@code file} (parents created, an existing file replaced). */
    public static FSDataOutputStream create(Path file, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        FileSystem raw = fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
        return raw.create(file, true);
    }

    public static void writeString(Path file, String content, Configuration conf) {
        try (FSDataOutputStream out = create(file, conf)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
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
