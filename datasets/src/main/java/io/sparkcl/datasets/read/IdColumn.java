package io.sparkcl.datasets.read;

import java.io.Serializable;

/**
 * The column of a user's file that holds the user's own row ids ({@code --id-column}).
 *
 * @param name     the column
 * @param required true when the user named it: the column must exist and every row needs an id; false for the
 *                 default {@code id}, used where present (other rows get generated ids)
 */
public record IdColumn(String name, boolean required) implements Serializable {
    /** The column predictions use when the user names none. */
    public static final String DEFAULT = "id";

    public IdColumn {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an id column needs a name");
        }
    }

    /** {@code name} when given (required), else the optional default {@value #DEFAULT}. */
    public static IdColumn givenOrDefault(String name) {
        return name == null || name.isBlank() ? new IdColumn(DEFAULT, false) : new IdColumn(name, true);
    }
}
