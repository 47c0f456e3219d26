package io.sparkcl.datasets.quarantine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Bad-row counts of every split a run read; the job puts {@link #toMap()} into its run report. */
public final class QuarantineReport implements Serializable {
    private final List<SplitQuarantine> splits = new ArrayList<>();

    public QuarantineReport() {
    }

    public QuarantineReport(List<SplitQuarantine> splits) {
        this.splits.addAll(splits);
    }

    public synchronized QuarantineReport add(SplitQuarantine split) {
        splits.add(split);
        return this;
    }

    public synchronized QuarantineReport merge(QuarantineReport other) {
        splits.addAll(other.splits());
        return this;
    }

    public synchronized List<SplitQuarantine> splits() {
        return List.copyOf(splits);
    }

    public long totalBadRows() {
        return splits().stream().mapToLong(SplitQuarantine::badRows).sum();
    }

    /** Bad rows per reason over all splits. */
    public Map<String, Long> badByReason() {
        Map<String, Long> m = new TreeMap<>();
        for (SplitQuarantine s : splits()) {
            s.badByReason().forEach((k, v) -> m.merge(k, v, Long::sum));
        }
        return m;
    }

    /** {"total_bad_rows": n, "bad_by_reason": {...}, "splits": [...]}, ready for a JSON report. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("total_bad_rows", totalBadRows());
        m.put("bad_by_reason", badByReason());
        m.put("splits", splits().stream().map(SplitQuarantine::toMap).toList());
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (SplitQuarantine s : splits()) {
            sb.append(s.dataset()).append('/').append(s.split()).append(": ").append(s.totalRows())
                    .append(" rows, ").append(s.badRows()).append(" bad");
            if (s.badRows() > 0) {
                sb.append(' ').append(s.badByReason()).append(" -> ").append(s.quarantinePath());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
