package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static io.sparkcl.job.config.ConfigKey.*;

/**
 * {@code sparkcl predict}: a fine-tuned model on a split of a registry dataset or on any file
 * ({@code --input}), writing one row per input with the predicted label and the class probabilities.
 *
 * @param maxLength     0 = the length the model was trained with
 * @param output        where the predictions go (a Hadoop path; the folder is created by validation, so the
 *                      writer must use overwrite mode)
 * @param outputFormat  parquet or csv
 */
public record PredictConfig(String model, String dataset, String split, String input, String dataDir,
                            String format, String textColumn, String textPairColumn, String maxBadRows,
                            int maxLength, int evalBatch, int partitions, String output, String outputFormat,
                            String master) implements Serializable {

    /** Resolves the given options (checking each on its own) with the defaults of {@link ConfigKey}. */
    public static PredictConfig from(ConfigValues v) {
        v.checkEach();
        return new PredictConfig(v.string(MODEL, null),
                v.string(DATASET, v.isSet(INPUT) ? DataConfig.USER_DATASET : v.string(DATASET)).toLowerCase(Locale.ROOT),
                v.string(SPLIT), v.string(INPUT), v.string(DATA_DIR), v.string(FORMAT), v.string(TEXT_COLUMN),
                v.string(TEXT_PAIR_COLUMN), v.string(MAX_BAD_ROWS), v.integer(MAX_LENGTH, 0), v.integer(EVAL_BATCH),
                v.integer(PARTITIONS), v.string(OUTPUT), v.string(OUTPUT_FORMAT).toLowerCase(Locale.ROOT),
                v.string(MASTER));
    }

    public boolean usesRegistryDataset() {
        return input == null;
    }

    public PredictConfig validate(DatasetCatalog catalog, Configuration conf) {
        EvaluateConfig.ModelFolder.check(model, conf);
        if (usesRegistryDataset()) {
            Checks.registryDataset(dataset, catalog, "or predict on your own file with --input");
        }
        if (output == null || output.isBlank()) {
            throw new ConfigException(OUTPUT, "give the folder the predictions are written to");
        }
        OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), output, true, false, conf);
        return this;
    }

    public PredictConfig validate() {
        return validate(DatasetCatalog.registry(), new Configuration());
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(MODEL.key(), model);
        if (input != null) {
            m.put(INPUT.key(), input);
        } else {
            m.put(DATASET.key(), dataset);
            m.put(SPLIT.key(), split);
        }
        m.put(OUTPUT.key(), output);
        m.put(OUTPUT_FORMAT.key(), outputFormat);
        return m;
    }
}
