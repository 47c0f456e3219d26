package io.sparkcl.datasets.read;

import io.sparkcl.datasets.quarantine.BadRowReason;
import io.sparkcl.datasets.registry.SourceSpec;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a {@link RawRecord} to a row of {@link io.sparkcl.datasets.DatasetSchema#VALIDATION_SCHEMA}: the
 * common columns for a good row, or the reason it is bad. Text is kept as is (no trimming); labels are
 * trimmed before they are looked up.
 */
final class RecordMapper implements Function<RawRecord, Row> {
    private final String dataset;
    private final String split;
    private final SourceSpec source;
    private final List<String> labels;
    private final Map<String, Integer> labelIds = new HashMap<>();
    private final boolean fileInId;

    /**
     * @param labels   the label order (label id = index); ignored for an unlabelled source
     * @param fileInId put the file name into generated ids (needed when a split has several files)
     */
    RecordMapper(String dataset, String split, SourceSpec source, List<String> labels, boolean fileInId) {
        this.dataset = dataset;
        this.split = split;
        this.source = source;
        this.labels = List.copyOf(labels);
        for (int i = 0; i < labels.size(); i++) {
            labelIds.put(labels.get(i), i);
        }
        this.fileInId = fileInId;
    }

    @Override
    public Row call(RawRecord r) {
        if (r.reason() != null) {
            return bad(r, r.reason(), r.detail());
        }
        Map<String, String> f = r.fields();
        if (!f.containsKey(source.textColumn())) {
            return bad(r, BadRowReason.MISSING_COLUMN.code(), missing(source.textColumn(), f));
        }
        String text = f.get(source.textColumn());
        if (text == null || text.isBlank()) {
            return bad(r, BadRowReason.EMPTY_TEXT.code(), "column '" + source.textColumn() + "' is empty");
        }
        String pair = null;
        if (source.textPairColumn() != null) {
            if (!f.containsKey(source.textPairColumn())) {
                return bad(r, BadRowReason.MISSING_COLUMN.code(), missing(source.textPairColumn(), f));
            }
            pair = f.get(source.textPairColumn());
            if (pair == null || pair.isBlank()) {
                return bad(r, BadRowReason.EMPTY_TEXT.code(), "column '" + source.textPairColumn() + "' is empty");
            }
        }
        String label = null;
        Integer labelId = null;
        if (source.labelColumn() != null) {
            if (!f.containsKey(source.labelColumn())) {
                return bad(r, BadRowReason.MISSING_COLUMN.code(), missing(source.labelColumn(), f));
            }
            String value = f.get(source.labelColumn());
            if (value == null || value.isBlank()) {
                return bad(r, BadRowReason.MISSING_LABEL.code(), "column '" + source.labelColumn() + "' is empty");
            }
            label = value.trim();
            labelId = labelIds.get(label);
            if (labelId == null) {
                return bad(r, BadRowReason.UNKNOWN_LABEL.code(), "label '" + label + "' is not one of " + labels);
            }
        }
        String id;
        if (source.idColumn() != null) {
            id = f.get(source.idColumn());
            if (id == null || id.isBlank()) {
                return bad(r, BadRowReason.MISSING_COLUMN.code(), "id column '" + source.idColumn() + "' is empty");
            }
        } else {
            id = generatedId(r);
        }
        return RowFactory.create(id, text, pair, label, labelId, split, null, null, r.file(), r.row(), null, null);
    }

    private String generatedId(RawRecord r) {
        if (fileInId) {
            String name = r.file().substring(r.file().lastIndexOf('/') + 1);
            return dataset + ":" + split + ":" + name + ":" + r.row();
        }
        return dataset + ":" + split + ":" + r.row();
    }

    private Row bad(RawRecord r, String reason, String detail) {
        return RowFactory.create(null, null, null, null, null, split, reason, detail, r.file(), r.row(), r.raw(),
                r.rawBase64());
    }

    private static String missing(String column, Map<String, String> fields) {
        return "no column '" + column + "'; the row has " + fields.keySet();
    }
}
