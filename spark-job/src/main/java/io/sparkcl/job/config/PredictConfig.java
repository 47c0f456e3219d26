package io.sparkcl.job.config;

import io.sparkcl.datasets.read.IdColumn;
import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.util.Locale;

import static io.sparkcl.job.config.ConfigKey.*;

/**
 * {@code sparkcl predict}: a fine-tuned model on a split of a registry dataset or on any file
 * ({@code --input}), writing one row per input with the predicted label and the class probabilities.
 *
 * @param idColumnName  {@code --id-column}, or null: the input's {@code id} column where it has one
 * @param maxLength     0 = the length the model was trained with
 * @param output        where the predictions go (a Hadoop path; validation checks it is new and creates it,
 *                      so the writer appends into it and keeps the {@code _quarantine} folder)
 * @param outputFormat  parquet or csv
 */
public record PredictConfig(String model, String dataset, String split, String input, String dataDir,
                            String format, String textColumn, String textPairColumn, String idColumnName,
                            String maxBadRows,
                            int maxLength, int evalBatch, int partitions, String output, String outputFormat,
                            String master) implements InferenceJobConfig, Serializable {

    /** Resolves the given options (checking each on its own) with the defaults of {@link ConfigKey}. */
    public static PredictConfig from(ConfigValues v) {
        v.checkEach();
        return new PredictConfig(v.get(MODEL, null),
                v.get(DATASET, v.isSet(INPUT) ? DataConfig.USER_DATASET : v.get(DATASET)).toLowerCase(Locale.ROOT),
                v.get(SPLIT), v.get(INPUT), v.get(DATA_DIR), v.get(FORMAT), v.get(TEXT_COLUMN),
                v.get(TEXT_PAIR_COLUMN), v.get(ID_COLUMN), v.get(MAX_BAD_ROWS), v.get(MAX_LENGTH, 0), v.get(EVAL_BATCH),
                v.get(PARTITIONS), v.get(OUTPUT), v.<String>get(OUTPUT_FORMAT).toLowerCase(Locale.ROOT),
                v.get(MASTER));
    }

    public boolean usesRegistryDataset() {
        return input == null;
    }

    @Override
    public String userFile() {
        return input;
    }

    @Override
    public IdColumn idColumn() {
        return IdColumn.givenOrDefault(idColumnName);
    }

    @Override
    public ConfigKey inputOption() {
        return INPUT;
    }

    /** A registry split has labels (the output shows them); a file given with {@code --input} needs none. */
    @Override
    public String labelColumn() {
        return input == null ? "label" : null;
    }

    @Override
    public PredictConfig validate(DatasetCatalog catalog, Configuration conf) {
        EvaluateConfig.ModelFolder.check(model, conf);
        if (usesRegistryDataset()) {
            Checks.registryDataset(dataset, catalog, "or predict on your own file with --input");
        }
        if (output == null || output.isBlank()) {
            throw new ConfigException(OUTPUT, "give the folder the predictions are written to");
        }
        OutputFolderCheck.checkNewFolder(OUTPUT.optionName(), output, conf);
        return this;
    }

    public PredictConfig validate() {
        return validate(DatasetCatalog.registry(), new Configuration());
    }
}
