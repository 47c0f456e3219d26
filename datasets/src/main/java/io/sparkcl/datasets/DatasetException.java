package io.sparkcl.datasets;

/** A dataset cannot be read, validated or downloaded; the message names the dataset, file, row or column. */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
