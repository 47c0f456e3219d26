package io.sparkcl.job.train.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON-lines file on a Hadoop file system, flushed after every line so progress is visible while the
 * run goes on. On resume the lines of steps not covered by the checkpoint are dropped (they will be
 * written again), since not every file system supports append.
 */
public final class JsonLines implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FSDataOutputStream out;
    private final Path path;

    private JsonLines(FSDataOutputStream out, Path path) {
        this.out = out;
        this.path = path;
    }

    /**
     * Opens {@code path}, keeping the existing lines whose "step" (1-based: the number of steps done) is at most
     * {@code keepUpToStep}; 0 drops every line (a fresh run).
     */
    @SuppressWarnings("unchecked")
    public static JsonLines open(FileSystem fileSystem, Path path, long keepUpToStep) {
        // The local file system's checksumming wrapper only writes whole chunks on hflush: use the raw one so
        // every line is visible at once (and no .crc side file is kept).
        FileSystem fs = fileSystem instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem()
                : fileSystem;
        try {
            List<String> kept = new ArrayList<>();
            if (keepUpToStep > 0 && fs.exists(path)) {
                try (FSDataInputStream in = fs.open(path);
                     BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.isBlank()) {
                            continue;
                        }
                        Map<String, Object> m = JSON.readValue(line, Map.class);
                        Object step = m.get("step");
                        if (step instanceof Number n && n.longValue() <= keepUpToStep) {
                            kept.add(line);
                        }
                    }
                }
            }
            FSDataOutputStream out = fs.create(path, true);
            for (String line : kept) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.hflush();
            return new JsonLines(out, path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
    }

    public synchronized void write(Map<String, ?> record) {
        try {
            out.write(JSON.writeValueAsBytes(record));
            out.write('\n');
            out.hflush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + path, e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path, e);
        }
    }
}
