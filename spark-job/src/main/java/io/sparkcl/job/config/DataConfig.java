package io.sparkcl.job.config;

import io.sparkcl.datasets.DataRequest;
import io.sparkcl.datasets.sampling.DevSplit;

import java.io.Serializable;
import java.util.List;


import static io.sparkcl.job.config.ConfigKey.*;

/**
 * What the datasets module reads and how the training split is sampled: a registry dataset or the user's
 * files, validation limits, few-shot/fraction sampling, label noise, and the partitions of the cached rows.
 *
 * @param dataset    registry name; with {@code trainFile} it only names the data in reports
 * @param dataDir    data root (null: the datasets module's default)
 * @param labels     label order for user files (empty: sorted distinct training labels)
 * @param devFraction share of the training rows carved as the dev split when the dataset has none (0 = none)
 * @param devMaxRows  at most this many rows carved
 * @param seed       seed of sampling, the dev carve, label noise and DualCL's label-name shuffles
 * @param partitions partitions of the cached rows (0 = Spark's default parallelism)
 * @param labelOrder the order of the label names in front of DualCL's training inputs
 */
public record DataConfig(String dataset, String dataDir, String trainFile, String devFile, String testFile,
                         String format, String textColumn, String textPairColumn, String labelColumn,
                         List<String> labels, String maxBadRows, int fewShot, double fraction, double labelNoise,
                         double devFraction, int devMaxRows, long seed, int partitions, LabelOrder labelOrder)
        implements Serializable {

    /** The name of user data ({@code --train-file}, {@code --input}) when {@code --dataset} is not given. */
    public static final String USER_DATASET = "custom";

    public DataConfig {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    static DataConfig from(ConfigValues r) {
        return new DataConfig(r.get(DATASET), r.get(DATA_DIR), r.get(TRAIN_FILE), r.get(DEV_FILE), r.get(TEST_FILE),
                r.get(FORMAT), r.get(TEXT_COLUMN), r.get(TEXT_PAIR_COLUMN), r.get(LABEL_COLUMN), r.list(LABELS),
                r.get(MAX_BAD_ROWS), r.get(FEW_SHOT), r.get(FRACTION), r.get(LABEL_NOISE), r.get(DEV_FRACTION),
                r.get(DEV_MAX_ROWS), r.get(SEED),
                r.get(PARTITIONS), LabelOrder.parse(r.get(LABEL_ORDER)));
    }

    /** True when the data comes from the registry ({@code --dataset}), false for user files. */
    public boolean usesRegistryDataset() {
        return trainFile == null;
    }

    /** How a dev split is carved from the training rows when the dataset has none. */
    public DevSplit devSplit() {
        return new DevSplit(devFraction, devMaxRows);
    }

    /** The request the datasets module's {@code DataPreparation} serves; bad rows go to {@code quarantineDir}. */
    public DataRequest request(String quarantineDir) {
        return new DataRequest(dataset, dataDir, trainFile, devFile, testFile, format, textColumn, textPairColumn,
                labelColumn, labels.isEmpty() ? null : labels, null, maxBadRows, quarantineDir, fewShot, fraction,
                labelNoise, seed, devSplit(), null);
    }
}
