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
 * @param output     the results file ({@code x.json}) or a folder for {@code evaluation.json}; null = print only
 * @param master     null = the launcher's / spark-submit's, else {@code local[*]}
 */
public record EvaluateConfig(String model, String dataset, String split, String dataDir, String devFile,
                             String testFile, String format, String textColumn, String textPairColumn,
                             String labelColumn, List<String> labels, String maxBadRows, int maxLength,
                             int evalBatch, int partitions, String output, String master)
        implements InferenceJobConfig, Serializable {

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

    @Override
    public ConfigKey inputOption() {
        return testFile != null ? TEST_FILE : DEV_FILE;
    }

    @Override
    public EvaluateConfig validate(DatasetCatalog catalog, Configuration conf) {
        ModelFolder.check(model, conf);
        if (usesRegistryDataset()) {
            Checks.registryDataset(dataset, catalog, "or evaluate your own file with --test-file");
        }
        if (output != null && writesAFile()) {
            String parent = new Path(output).getParent().toString();
            OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), parent, false, false, conf);
            try {
                Path p = new Path(output);
                if (p.getFileSystem(conf).getFileStatus(p).isDirectory()) {
                    throw new ConfigException(OUTPUT, "'" + output + "' is a folder; give a file name ending in "
                            + ".json or a folder for evaluation.json");
                }
            } catch (java.io.FileNotFoundException e) {
                // a new file: fine
            } catch (IOException e) {
                throw new ConfigException(OUTPUT.optionName(), "cannot read '" + output + "': " + e.getMessage(), e);
            }
        } else if (output != null) {
            OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), output, false, false, conf);
        }
        return this;
    }

    /** {@code --output x.json} names the results file itself; any other value is a folder. */
    private boolean writesAFile() {
        return output.toLowerCase(Locale.ROOT).endsWith(".json");
    }

    /** Where the results JSON goes, or null when only printed. */
    public String resultsFile() {
        if (output == null) {
            return null;
        }
        return writesAFile() ? output : new Path(output, "evaluation.json").toString();
    }

    /**
     * Where bad rows go: next to the results ({@code x-quarantine/} for {@code x.json}, {@code <folder>/quarantine}),
     * or null without --output, for the reader's private temporary folder.
     */
    public String quarantineDir() {
        if (output == null) {
            return null;
        }
        return writesAFile() ? output.substring(0, output.length() - ".json".length()) + "-quarantine"
                : new Path(output, "quarantine").toString();
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
