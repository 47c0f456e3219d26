package io.sparkcl.datasets.read;

/**
 * The type a value had in its file before it became text. CSV/TSV values are always {@link #STRING}; JSON
 * and Parquet values keep their own type so that a number, object or array is not trained on as text.
 */
public enum FieldKind {
    STRING, INTEGER, DECIMAL, BOOLEAN, OBJECT, ARRAY, BINARY, OTHER;

    /** How the kind is named in a quarantine reason. */
    public String describe() {
        return switch (this) {
            case STRING -> "a string";
            case INTEGER -> "an integer";
            case DECIMAL -> "a decimal number";
            case BOOLEAN -> "a boolean";
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case BINARY -> "binary data";
            case OTHER -> "a non-text value";
        };
    }
}
