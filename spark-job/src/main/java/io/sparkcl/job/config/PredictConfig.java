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
 * @param output        where the predictions go (a Hadoop path; validation checks it is new and creates it,
 *                      so the writer appends into it and keeps the {@code _quarantine} folder)
 * @param outputFormat  parquet or csv
 */
public record PredictConfig(String model, String dataset, String split, String input, String dataDir,
                            String format, String textColumn, String textPairColumn, String maxBadRows,
                            int maxLength, int evalBatch, int partitions, String output, String outputFormat,
                            String master) implements Serializable {

    public static PredictConfig from(ConfigValues v) {
        return new PredictConfig(v.string(MODEL, null),
                v.string(DATASET, v.isSet(INPUT) ? TrainConfig.USER_DATASET : TrainConfig.DEFAULT_DATASET)
                        .toLowerCase(Locale.ROOT),
                v.string(SPLIT, "test"), v.string(INPUT, null), v.string(DATA_DIR, null), v.string(FORMAT, null),
                v.string(TEXT_COLUMN, "text"), v.string(TEXT_PAIR_COLUMN, null),
                v.string(MAX_BAD_ROWS, TrainConfig.DEFAULT_MAX_BAD_ROWS), v.integer(MAX_LENGTH, 0),
                v.integer(EVAL_BATCH, TrainConfig.DEFAULT_EVAL_BATCH), v.integer(PARTITIONS, 0),
                v.string(OUTPUT, null), v.string(OUTPUT_FORMAT, "parquet").toLowerCase(Locale.ROOT),
                v.string(MASTER, null));
    }

    public boolean usesRegistryDataset() {
        return input == null;
    }

    public PredictConfig validate(DatasetCatalog catalog, Configuration conf) {
        Checks.inferenceOptions(model, usesRegistryDataset(), dataset, catalog, "or predict on your own file with --input", split, format,
                maxBadRows, maxLength, evalBatch, partitions, conf);
        Checks.oneOf(OUTPUT_FORMAT, outputFormat, "parquet", "csv");
        if (output == null || output.isBlank()) {
            throw new ConfigException(OUTPUT, "give the folder the predictions are written to");
        }
        OutputFolderCheck.checkNewFolder(OUTPUT.optionName(), output, conf);
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
