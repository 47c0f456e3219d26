package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
                             int evalBatch, int partitions, String output, String master) implements Serializable {

    public EvaluateConfig {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public static EvaluateConfig from(ConfigValues v) {
        boolean userFile = v.isSet(DEV_FILE) || v.isSet(TEST_FILE);
        return new EvaluateConfig(v.string(MODEL, null),
                v.string(DATASET, userFile ? TrainConfig.USER_DATASET : TrainConfig.DEFAULT_DATASET).toLowerCase(),
                v.string(SPLIT, v.isSet(DEV_FILE) && !v.isSet(TEST_FILE) ? "dev" : "test"),
                v.string(DATA_DIR, null), v.string(DEV_FILE, null), v.string(TEST_FILE, null), v.string(FORMAT, null),
                v.string(TEXT_COLUMN, "text"), v.string(TEXT_PAIR_COLUMN, null), v.string(LABEL_COLUMN, "label"),
                v.list(LABELS), v.string(MAX_BAD_ROWS, TrainConfig.DEFAULT_MAX_BAD_ROWS),
                v.integer(MAX_LENGTH, 0), v.integer(EVAL_BATCH, TrainConfig.DEFAULT_EVAL_BATCH),
                v.integer(PARTITIONS, 0), v.string(OUTPUT, null), v.string(MASTER, null));
    }

    public boolean usesRegistryDataset() {
        return devFile == null && testFile == null;
    }

    /** The user file to evaluate (test file first), or null for a registry dataset. */
    public String userFile() {
        return testFile != null ? testFile : devFile;
    }

    public EvaluateConfig validate(DatasetCatalog catalog, Configuration conf) {
        Checks.inferenceOptions(model, usesRegistryDataset(), dataset, catalog, "or evaluate your own file with --test-file", split, format,
                maxBadRows, maxLength, evalBatch, partitions, conf);
        if (output != null && writesAFile()) {
            String parent = new org.apache.hadoop.fs.Path(output).getParent().toString();
            OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), parent, false, false, conf);
            try {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(output);
                if (p.getFileSystem(conf).getFileStatus(p).isDirectory()) {
                    throw new ConfigException(OUTPUT, "'" + output + "' is a folder; give a file name ending in "
                            + ".json or a folder for evaluation.json");
                }
            } catch (java.io.FileNotFoundException e) {
                // a new file: fine
            } catch (java.io.IOException e) {
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
        return writesAFile() ? output : new org.apache.hadoop.fs.Path(output, "evaluation.json").toString();
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
                : new org.apache.hadoop.fs.Path(output, "quarantine").toString();
    }

    public EvaluateConfig validate() {
        return validate(DatasetCatalog.registry(), new Configuration());
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MODEL.key(), model);
        m.put(DATASET.key(), dataset);
        m.put(SPLIT.key(), split);
        putIf(m, DEV_FILE, devFile);
        putIf(m, TEST_FILE, testFile);
        putIf(m, OUTPUT, output);
        m.put(EVAL_BATCH.key(), evalBatch);
        return m;
    }

    private static void putIf(Map<String, Object> m, ConfigKey k, Object v) {
        if (v != null) {
            m.put(k.key(), v);
        }
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
