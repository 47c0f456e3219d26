package io.sparkcl.datasets.registry;

import java.io.Serializable;
import java.util.List;

/**
 * A zip archive whose members are extracted into the data root. The archive itself has no checksum
 * (the published GLUE zips are not pinned); every extracted member with a known checksum is verified.
 *
 * @param url          canonical public URL
 * @param relativeUrl  path of the archive under an overriding base URL, e.g. {@code glue/RTE.zip}
 * @param members      the files taken out of it
 */
public record RemoteArchive(String url, String relativeUrl, List<Member> members) implements Serializable {

    public RemoteArchive {
        members = List.copyOf(members);
    }

    /**
     * @param fileName     name of the member inside the archive (matched on the last path segment, so
     *                     {@code RTE/train.tsv} and {@code train.tsv} both match {@code train.tsv})
     * @param relativePath where it goes under the data root
     * @param sha256       expected SHA-256 of the extracted file, or null when unknown
     */
    public record Member(String fileName, String relativePath, String sha256) implements Serializable {
    }
}
