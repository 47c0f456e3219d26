package io.sparkcl.job.config;

import io.sparkcl.datasets.read.IdColumn;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;

import static io.sparkcl.job.config.ConfigKey.*;

/**
 * What evaluate and predict read with a fine-tuned model: a split of a registry dataset, or the user's file, and
 * how to read it. The options both commands share are resolved here once; each command adds its own.
 *
 * @param model       the fine-tuned model folder (Hadoop or local path; a run's {@code model/} or {@code best-model/})
 * @param split       split of {@code dataset} (ignored for a user file: the file given is read)
 * @param fileOption  the option that names the user's file ({@code --input}, {@code --test-file}, …), for errors
 * @param userFile    the user's file, or null for split {@code split} of the registry dataset {@code dataset}
 * @param labelColumn label column of the user's file; null when the input is unlabelled
 * @param idColumn    the user file's own row-id column, or null: generated ids (evaluation needs none of the user's)
 * @param maxLength   0 = the length the model was trained with
 */
public record InferenceInput(String model, String dataset, String split, String dataDir, ConfigKey fileOption,
                             String userFile, String format, String textColumn, String textPairColumn,
                             String labelColumn, IdColumn idColumn, String maxBadRows, int maxLength, int partitions)
        implements Serializable {

    /**
     * The shared options of {@code v} (already checked) with the defaults of {@link ConfigKey}; the user's file is
     * the value of {@code fileOption}, and without one the dataset is a registry dataset.
     */
    static InferenceInput from(ConfigValues v, ConfigKey fileOption, String split, String labelColumn,
                               IdColumn idColumn) {
        String userFile = v.get(fileOption);
        return new InferenceInput(v.get(MODEL, null),
                v.get(DATASET, userFile != null ? DataConfig.USER_DATASET : v.get(DATASET)).toLowerCase(Locale.ROOT),
                split, v.get(DATA_DIR), fileOption, userFile, v.get(FORMAT), v.get(TEXT_COLUMN),
                v.get(TEXT_PAIR_COLUMN), labelColumn, idColumn, v.get(MAX_BAD_ROWS), v.get(MAX_LENGTH, 0),
                v.get(PARTITIONS));
    }

    public boolean usesRegistryDataset() {
        return userFile == null;
    }

    /** The user's file, else the dataset's name: what the results say was read. */
    public String source() {
        return userFile != null ? userFile : dataset;
    }

    /**
     * Checks the model folder exists and a registry dataset is known; {@code otherwise} (e.g. "or predict on your
     * own file with --input") ends the unknown-dataset error.
     */
    void validate(DatasetCatalog catalog, Configuration conf, String otherwise) {
        checkModelFolder(conf);
        if (usesRegistryDataset()) {
            Checks.registryDataset(dataset, catalog, otherwise);
        }
    }

    private void checkModelFolder(Configuration conf) {
        if (model == null || model.isBlank()) {
            throw new ConfigException(MODEL, "give the fine-tuned model folder, e.g. --model runs/NAME/model");
        }
        try {
            Path p = new Path(model);
            if (!p.getFileSystem(conf).exists(p)) {
                throw new ConfigException(MODEL, "no fine-tuned model folder at '" + model + "'");
            }
        } catch (IOException e) {
            throw new ConfigException(MODEL.optionName(), "cannot read '" + model + "': " + e.getMessage(), e);
        }
    }
}
