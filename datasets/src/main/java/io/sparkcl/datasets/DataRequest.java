package io.sparkcl.datasets;

import io.sparkcl.datasets.read.IdColumn;
import io.sparkcl.datasets.sampling.DevSplit;

import java.util.List;
import java.util.Map;

/**
 * What a job asks of the datasets module: a registry dataset or the user's files, validation limits, and
 * the sampling/noise applied to the training split. Option names are the job's command-line options.
 *
 * @param dataset        registry name ({@code --dataset}); with {@code trainFile} it only names the data
 * @param dataDir        {@code --data-dir} (null: {@code SPARKCL_DATA_DIR}, else {@code ~/.cache/sparkcl/data})
 * @param trainFile      {@code --train-file}: the user's training data instead of a registry dataset
 * @param devFile        {@code --dev-file} (optional)
 * @param testFile       {@code --test-file} (optional)
 * @param format         {@code --format}: json, jsonl, csv, tsv, parquet; null = from the file extension
 * @param textColumn     {@code --text-column} (default text)
 * @param textPairColumn {@code --text-pair-column} (optional)
 * @param labelColumn    {@code --label-column} (default label)
 * @param labels         {@code --labels}: label order for user files; null = sorted distinct training labels
 * @param labelNames     display names for DualCL inputs, label -> words (null: the registry's names)
 * @param maxBadRows     {@code --max-bad-rows}: count, fraction or percentage (null: 1%)
 * @param quarantineDir  where bad rows go (the job passes {@code <run folder>/quarantine})
 * @param fewShot        {@code --few-shot}: N training rows per class, 0 = all
 * @param fraction       {@code --fraction}: per-class stratified fraction of the training split, 1 = all
 * @param labelNoise     {@code --label-noise}: fraction of training labels flipped, 0 = none
 * @param seed           {@code --seed}
 * @param devSplit       {@code --dev-fraction}/{@code --dev-max-rows}: the rule choosing the selection (dev) and
 *                       reported (test) splits, carving dev rows from training when needed
 *                       ({@link DevSplit#assign}); null = the dataset's splits as they are, nothing carved
 * @param idColumn       {@code --id-column}: the user's own row ids in their files; null = generated ids
 */
public record DataRequest(String dataset, String dataDir, String trainFile, String devFile, String testFile,
                          String format, String textColumn, String textPairColumn, String labelColumn,
                          List<String> labels, Map<String, String> labelNames, String maxBadRows,
                          String quarantineDir, int fewShot, double fraction, double labelNoise, long seed,
                          DevSplit devSplit, IdColumn idColumn) {

    /** A registry dataset with default validation and no sampling. */
    public static DataRequest registry(String dataset, String dataDir, String quarantineDir, long seed) {
        return new DataRequest(dataset, dataDir, null, null, null, null, null, null, null, null, null, null,
                quarantineDir, 0, 1.0, 0.0, seed, null, null);
    }

    public boolean userFiles() {
        return trainFile != null && !trainFile.isBlank();
    }
}
