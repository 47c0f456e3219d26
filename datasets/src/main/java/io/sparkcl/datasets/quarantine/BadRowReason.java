package io.sparkcl.datasets.quarantine;

/** Why a row could not be used. The lower-case {@link #code()} is what reports and quarantine files show. */
public enum BadRowReason {
    /** Not parseable: broken JSON, not a JSON object, an unterminated CSV quote, a broken JSON array. */
    MALFORMED_ROW,
    /** A delimited row whose number of fields differs from the header (or the fixed column list). */
    WRONG_COLUMN_COUNT,
    /** The row's bytes are not valid UTF-8. */
    INVALID_UTF8,
    /** The text (or the text pair) is missing, empty or only whitespace. */
    EMPTY_TEXT,
    /** A labelled split whose row has an empty/null label. */
    MISSING_LABEL,
    /** A label that is not in the dataset's label set. */
    UNKNOWN_LABEL,
    /** A JSON row without the configured text/label column. */
    MISSING_COLUMN,
    /** A JSON or Parquet value of the wrong type: text that is not a string, a label neither string nor integer. */
    WRONG_TYPE,
    /** A row whose id (from the source's id column) an earlier row of the split already has. */
    DUPLICATE_ID;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
