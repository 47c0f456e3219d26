package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;

import static io.sparkcl.job.config.ConfigKey.*;

/**
 * {@code sparkcl evaluate}: a fine-tuned model folder on one split of a registry dataset, or on your own
 * labelled file ({@code --test-file} or {@code --dev-file}).
 *
 * @param model      the fine-tuned model folder (a run's {@code model/} or {@code best-model/})
 * @param split      split of {@code dataset} (ignored for user files: the file given is evaluated)
 * @param maxLength  0 = the length the model was trained with
 * @param output     folder for the results JSON; null = print only
 * @param master     null = the launcher's / spark-submit's, else {@code local[*]}
 */
public record EvaluateConfig(String model, String dataset, String split, String dataDir, String devFile,
                             String testFile, String format, String textColumn, String textPairColumn,
                             String labelColumn, List<String> labels, String maxBadRows, int maxLength,
                             int evalBatch, int partitions, String output, String master)
        implements InferenceInput, Serializable {

    public EvaluateConfig {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    /** Resolves the given options (checking each on its own) with the defaults of {@link ConfigKey}. */
    public static EvaluateConfig from(ConfigValues v) {
        v.checkEach();
        boolean userFile = v.isSet(DEV_FILE) || v.isSet(TEST_FILE);
        return new EvaluateConfig(v.get(MODEL, null),
                v.get(DATASET, userFile ? DataConfig.USER_DATASET : v.get(DATASET)).toLowerCase(Locale.ROOT),
                v.get(SPLIT, v.isSet(DEV_FILE) && !v.isSet(TEST_FILE) ? "dev" : v.get(SPLIT)),
                v.get(DATA_DIR), v.get(DEV_FILE), v.get(TEST_FILE), v.get(FORMAT),
                v.get(TEXT_COLUMN), v.get(TEXT_PAIR_COLUMN), v.get(LABEL_COLUMN), v.list(LABELS),
                v.get(MAX_BAD_ROWS), v.get(MAX_LENGTH, 0), v.get(EVAL_BATCH), v.get(PARTITIONS),
                v.get(OUTPUT), v.get(MASTER));
    }

    public boolean usesRegistryDataset() {
        return devFile == null && testFile == null;
    }

    /** The user file to evaluate (test file first), or null for a registry dataset. */
    @Override
    public String userFile() {
        return testFile != null ? testFile : devFile;
    }

    public EvaluateConfig validate(DatasetCatalog catalog, Configuration conf) {
        ModelFolder.check(model, conf);
        if (usesRegistryDataset()) {
            Checks.registryDataset(dataset, catalog, "or evaluate your own file with --test-file");
        }
        if (output != null) {
            OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), output, false, false, conf);
        }
        return this;
    }

    public EvaluateConfig validate() {
        return validate(DatasetCatalog.registry(), new Configuration());
    }

    /** Checks for the fine-tuned model folder given to evaluate and predict. */
    static final class ModelFolder {
        private ModelFolder() {
        }

        static void check(String model, Configuration conf) {
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
}
