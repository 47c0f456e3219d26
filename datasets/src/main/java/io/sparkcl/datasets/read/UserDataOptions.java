package io.sparkcl.datasets.read;

import io.sparkcl.datasets.registry.SourceFormat;

import java.util.List;

/**
 * A user's own data file (or folder or glob of files).
 *
 * @param path            Hadoop path of the file/folder/glob
 * @param format          null: from the file extension ({@code .jsonl}, {@code .json} (array or lines,
 *                        detected from the first character), {@code .csv}, {@code .tsv}, {@code .parquet})
 * @param textColumn      column with the text (default {@code text})
 * @param textPairColumn  second text of a sentence pair, or null
 * @param labelColumn     label column (default {@code label}); null for unlabelled data
 * @param idColumn        column with the user's own row ids, or null (ids are then {@code <dataset>:<split>:<row>})
 * @param labels          the label order (label id = index); null: the sorted distinct labels of this data
 *                        (numerically when every label is an integer, else lexicographically) - pass the
 *                        training labels when reading dev/test so ids agree
 * @param datasetName     name used in ids, reports and the quarantine folder (default {@code data})
 */
public record UserDataOptions(String path, SourceFormat format, String textColumn, String textPairColumn,
                              String labelColumn, IdColumn idColumn, List<String> labels, String datasetName) {

    public UserDataOptions {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("a data path is required");
        }
        textColumn = textColumn == null || textColumn.isBlank() ? "text" : textColumn;
        datasetName = datasetName == null || datasetName.isBlank() ? "data" : datasetName;
        labels = labels == null ? null : List.copyOf(labels);
    }

    /** Text in {@code text}, label in {@code label}, format from the extension. */
    public static UserDataOptions of(String path) {
        return new UserDataOptions(path, null, "text", null, "label", null, null, "data");
    }

    public UserDataOptions withLabels(List<String> order) {
        return new UserDataOptions(path, format, textColumn, textPairColumn, labelColumn, idColumn, order, datasetName);
    }
}
