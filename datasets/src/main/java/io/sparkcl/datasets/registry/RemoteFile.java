package io.sparkcl.datasets.registry;

import java.io.Serializable;

/**
 * A file fetched as is.
 *
 * @param url          canonical public URL
 * @param relativePath where it goes under the data root; also its path under an overriding base URL
 * @param sha256       expected SHA-256 (lower-case hex) of the file, or null when unknown
 */
public record RemoteFile(String url, String relativePath, String sha256) implements Serializable {
}
