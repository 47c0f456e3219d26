package io.sparkcl.datasets.download;

import io.sparkcl.datasets.DatasetException;

/** A download failed (unreachable server, HTTP error, checksum mismatch); nothing was added to the cache. */
public class DownloadException extends DatasetException {
    public DownloadException(String message) {
        super(message);
    }

    public DownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
