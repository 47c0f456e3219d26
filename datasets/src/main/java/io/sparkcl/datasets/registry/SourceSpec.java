package io.sparkcl.datasets.registry;

import java.io.Serializable;
import java.util.List;

/**
 * How to turn the rows of one file (or folder/glob of files) into the common schema.
 *
 * @param format          on-disk format
 * @param fixedColumns    column names of a delimited file WITHOUT a header line (GLUE CoLA train/dev);
 *                        null when the first line is the header (or the format is not delimited)
 * @param textColumn      column with the text (required)
 * @param textPairColumn  column with the second sentence of a pair task, or null
 * @param labelColumn     column with the label, or null for an unlabelled split (GLUE test)
 * @param idColumn        column used as the row id, or null: ids are then {@code <dataset>:<split>:<row>}
 * @param idRequired      true: a row without an id is bad; false: the id column is used where a row has a
 *                        string or integer value there, and other rows (or a source without the column) get
 *                        generated ids
 */
public record SourceSpec(SourceFormat format, List<String> fixedColumns, String textColumn, String textPairColumn,
                         String labelColumn, String idColumn, boolean idRequired) implements Serializable {

    public SourceSpec(SourceFormat format, List<String> fixedColumns, String textColumn, String textPairColumn,
                      String labelColumn, String idColumn) {
        this(format, fixedColumns, textColumn, textPairColumn, labelColumn, idColumn, true);
    }

    public SourceSpec {
        if (format == null || textColumn == null || textColumn.isBlank()) {
            throw new IllegalArgumentException("a source needs a format and a text column");
        }
        fixedColumns = fixedColumns == null ? null : List.copyOf(fixedColumns);
    }

    public boolean labelled() {
        return labelColumn != null;
    }

    /** The id column that must be present in the source, or null. */
    public String requiredIdColumn() {
        return idRequired ? idColumn : null;
    }

    public boolean hasHeader() {
        return format.delimited() && fixedColumns == null;
    }
}
