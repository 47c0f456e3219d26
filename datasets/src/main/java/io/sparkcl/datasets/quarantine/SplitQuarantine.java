package io.sparkcl.datasets.quarantine;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validation outcome of one split.
 *
 * @param path            the file (or folder/glob) read
 * @param totalRows       rows found, good and bad
 * @param badByReason     bad-row count per {@link BadRowReason#code()}, sorted by reason
 * @param quarantinePath  where the bad rows were written (JSON lines), null when there were none
 * @param emptyClasses    labels of the label order without a single good row in this split (a class that
 *                        cannot be learnt or measured: reported, not an error)
 */
public record SplitQuarantine(String dataset, String split, String path, long totalRows,
                              Map<String, Long> badByReason, String quarantinePath, List<String> emptyClasses)
        implements Serializable {

    public SplitQuarantine {
        badByReason = new TreeMap<>(badByReason);
        emptyClasses = emptyClasses == null ? List.of() : List.copyOf(emptyClasses);
    }

    public SplitQuarantine(String dataset, String split, String path, long totalRows, Map<String, Long> badByReason,
                           String quarantinePath) {
        this(dataset, split, path, totalRows, badByReason, quarantinePath, List.of());
    }

    public long badRows() {
        return badByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public long goodRows() {
        return totalRows - badRows();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", dataset);
        m.put("split", split);
        m.put("path", path);
        m.put("total_rows", totalRows);
        m.put("good_rows", goodRows());
        m.put("bad_rows", badRows());
        m.put("bad_by_reason", new TreeMap<>(badByReason));
        m.put("quarantine_path", quarantinePath);
        m.put("empty_classes", emptyClasses);
        return m;
    }
}
