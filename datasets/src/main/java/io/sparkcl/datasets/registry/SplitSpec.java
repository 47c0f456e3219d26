package io.sparkcl.datasets.registry;

import java.io.Serializable;

/**
 * One split of a registry dataset.
 *
 * @param name         train, dev, test, dev_matched, …
 * @param relativePath path of the file under the data root, e.g. {@code glue/RTE/train.tsv}
 * @param source       how its rows map to the common schema
 */
public record SplitSpec(String name, String relativePath, SourceSpec source) implements Serializable {
    public boolean labelled() {
        return source.labelled();
    }
}
