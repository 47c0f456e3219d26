package io.sparkcl.datasets.read;

import java.io.Serializable;
import java.util.Map;

/**
 * One row as found in a file, before mapping to the common schema: either its fields, or why it could not
 * be parsed.
 *
 * @param file       the source file
 * @param row        1-based: the line number for line formats (the header is line 1), the element number
 *                   for a JSON array, the row number for Parquet
 * @param raw        the row's content as text (invalid UTF-8 bytes shown as U+FFFD)
 * @param rawBase64  the exact bytes, base64, only for rows that are not valid UTF-8
 * @param fields     column name -> value (null values allowed); null when the row could not be parsed
 * @param reason     a {@link io.sparkcl.datasets.quarantine.BadRowReason} code, null when parsed
 * @param detail     human-readable explanation of the reason
 * @param kinds      the type of each field that was not a string in the file (absent: a string)
 */
public record RawRecord(String file, long row, String raw, String rawBase64, Map<String, String> fields,
                        String reason, String detail, Map<String, FieldKind> kinds) implements Serializable {

    public RawRecord {
        kinds = kinds == null ? Map.of() : kinds;
    }

    /** A parsed row whose values were all strings (CSV, TSV). */
    static RawRecord parsed(String file, long row, String raw, Map<String, String> fields) {
        return new RawRecord(file, row, raw, null, fields, null, null, Map.of());
    }

    /** A parsed row of a typed format (JSON, Parquet). */
    static RawRecord typed(String file, long row, String raw, Map<String, String> fields,
                           Map<String, FieldKind> kinds) {
        return new RawRecord(file, row, raw, null, fields, null, null, kinds);
    }

    static RawRecord bad(String file, long row, String raw, String rawBase64, String reason, String detail) {
        return new RawRecord(file, row, raw, rawBase64, null, reason, detail, Map.of());
    }

    /** The type field {@code column} had in the file. */
    public FieldKind kind(String column) {
        return kinds.getOrDefault(column, FieldKind.STRING);
    }
}
