package io.sparkcl.datasets.registry;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A named dataset: its splits, its labels in a fixed order (label id = index), and where to download it.
 *
 * @param labelNames         words shown to the encoder for each label in DualCL label-aware inputs (same order
 *                           as {@code labels}); differs from {@code labels} where those are codes such as 0/1
 * @param manualDownloadHint when the dataset has no automatic download, what the user must do; else null
 */
public record DatasetSpec(String name, String description, List<String> labels, List<String> labelNames,
                          List<SplitSpec> splits,
                          List<RemoteFile> files, List<RemoteArchive> archives, String manualDownloadHint)
        implements Serializable {

    public DatasetSpec {
        labels = List.copyOf(labels);
        labelNames = labelNames == null ? labels : List.copyOf(labelNames);
        if (labelNames.size() != labels.size()) {
            throw new IllegalArgumentException(name + ": " + labelNames.size() + " label names for "
                    + labels.size() + " labels");
        }
        splits = List.copyOf(splits);
        files = List.copyOf(files);
        archives = List.copyOf(archives);
    }

    public Optional<SplitSpec> split(String splitName) {
        return splits.stream().filter(s -> s.name().equals(splitName)).findFirst();
    }

    public SplitSpec requireSplit(String splitName) {
        return split(splitName).orElseThrow(() -> new IllegalArgumentException("dataset '" + name
                + "' has no split '" + splitName + "'; its splits are "
                + splits.stream().map(SplitSpec::name).toList()));
    }

    public List<String> splitNames() {
        return splits.stream().map(SplitSpec::name).toList();
    }

    public boolean downloadable() {
        return manualDownloadHint == null;
    }

    public String format() {
        return splits.get(0).source().format().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
