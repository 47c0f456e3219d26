package io.sparkcl.job.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.train.report.RunFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a run folder's JSON-lines logs ({@code metrics.jsonl}, {@code eval.jsonl}) back as maps. */
public final class RunLogs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunLogs() {
    }

    /** The lines of {@code name} in order; empty when the file does not exist. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> read(RunFolder run, String name) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!run.exists(name)) {
            return out;
        }
        int lineNo = 0;
        for (String line : run.readString(name).split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(JSON.readValue(line, Map.class));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot parse line " + lineNo + " of " + run.path(name), e);
            }
        }
        return out;
    }

    /** A number field of a log line, NaN when absent. */
    public static double number(Map<String, Object> line, String field) {
        return line.get(field) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
