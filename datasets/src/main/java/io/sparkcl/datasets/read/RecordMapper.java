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
    private final boolean integerLabels;

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
        this.integerLabels = allIntegers(labels);
    }

    /** Integer labels (a JSON number, a Parquet int column) are valid only when every label is an integer. */
    static boolean allIntegers(List<String> labels) {
        return !labels.isEmpty() && labels.stream().allMatch(l -> l.matches("-?\\d{1,18}"));
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
        String wrongType = wrongType(r);
        if (wrongType != null) {
            return bad(r, BadRowReason.WRONG_TYPE.code(), wrongType);
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
        String id = ownId(r);
        String idColumn = source.requiredIdColumn();
        if (id == null && idColumn != null) {
            return bad(r, BadRowReason.MISSING_COLUMN.code(),
                    f.containsKey(idColumn) ? "id column '" + idColumn + "' is empty" : missing(idColumn, f));
        }
        if (id == null) {
            id = generatedId(r);
        }
        return RowFactory.create(id, text, pair, label, labelId, split, null, null, r.file(), r.row(), null, null);
    }

    /** Why a value has the wrong type for its role, or null: text must be a string, a label a string or integer. */
    private String wrongType(RawRecord r) {
        for (String column : new String[]{source.textColumn(), source.textPairColumn()}) {
            if (column != null && r.kind(column) != FieldKind.STRING) {
                return "column '" + column + "' is " + r.kind(column).describe() + ", text must be a string";
            }
        }
        String labelColumn = source.labelColumn();
        if (labelColumn != null) {
            FieldKind kind = r.kind(labelColumn);
            if (kind == FieldKind.INTEGER && !integerLabels) {
                return "label " + r.fields().get(labelColumn) + " in column '" + labelColumn
                        + "' is an integer, but the labels are strings " + labels;
            }
            if (kind != FieldKind.STRING && kind != FieldKind.INTEGER) {
                return "label column '" + labelColumn + "' is " + kind.describe() + ", a label must be a string or "
                        + "an integer";
            }
        }
        String idColumn = source.requiredIdColumn();
        if (idColumn != null && !idKind(r.kind(idColumn))) {
            return "id column '" + idColumn + "' is " + r.kind(idColumn).describe();
        }
        return null;
    }

    private static boolean idKind(FieldKind kind) {
        return kind == FieldKind.STRING || kind == FieldKind.INTEGER;
    }

    /** The row's own id: a non-blank string or integer in the id column, else null. */
    private String ownId(RawRecord r) {
        String column = source.idColumn();
        if (column == null || !idKind(r.kind(column))) {
            return null;
        }
        String value = r.fields().get(column);
        return value == null || value.isBlank() ? null : value;
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
