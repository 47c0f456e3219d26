package io.sparkcl.datasets.registry;

/** On-disk formats the readers understand. */
public enum SourceFormat {
    /** One JSON array of objects (the DualCL reference files). */
    JSON_ARRAY,
    /** One JSON object per line. */
    JSON_LINES,
    /** Comma-separated, RFC 4180 quoting within a line (a quoted field cannot span lines). */
    CSV,
    /** Tab-separated, no quoting (the GLUE convention): a field is everything between two tabs. */
    TSV,
    /** Apache Parquet. */
    PARQUET;

    /** Guess from a file name: .jsonl/.ndjson, .json, .csv, .tsv, .parquet. */
    public static SourceFormat fromFileName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
            return JSON_LINES;
        }
        if (n.endsWith(".json")) {
            return JSON_ARRAY;
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".tsv")) {
            return TSV;
        }
        if (n.endsWith(".parquet") || n.endsWith(".parq")) {
            return PARQUET;
        }
        throw new IllegalArgumentException("cannot tell the format of '" + name
                + "' from its name; give the format explicitly (json-lines, json-array, csv, tsv, parquet)");
    }

    /** Parses the option value: json-lines|jsonl, json-array|json, csv, tsv, parquet. */
    public static SourceFormat parse(String value) {
        switch (value.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
            case "json-lines": case "jsonl": case "ndjson": return JSON_LINES;
            case "json-array": case "json": return JSON_ARRAY;
            case "csv": return CSV;
            case "tsv": return TSV;
            case "parquet": return PARQUET;
            default:
                throw new IllegalArgumentException("unknown data format '" + value
                        + "'; expected one of json-lines, json-array, csv, tsv, parquet");
        }
    }

    public boolean lineBased() {
        return this == JSON_LINES || this == CSV || this == TSV;
    }

    public boolean delimited() {
        return this == CSV || this == TSV;
    }
}
