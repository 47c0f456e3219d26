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
 * @param output        where the predictions go (a Hadoop path; validation checks it is new and creates it,
 *                      so the writer appends into it and keeps the {@code _quarantine} folder)
 * @param outputFormat  parquet or csv
 */
public record PredictConfig(InferenceInput input, int evalBatch, String output, String outputFormat, String master)
        implements InferenceJobConfig, Serializable {

    /** Resolves the given options (checking each on its own) with the defaults of {@link ConfigKey}. */
    public static PredictConfig from(ConfigValues v) {
        v.checkEach();
        // a registry split has labels (the output shows them); a file given with --input needs none
        String labelColumn = v.isSet(INPUT) ? null : "label";
        return new PredictConfig(InferenceInput.from(v, INPUT, v.get(SPLIT), labelColumn,
                IdColumn.givenOrDefault(v.get(ID_COLUMN))), v.get(EVAL_BATCH), v.get(OUTPUT),
                v.<String>get(OUTPUT_FORMAT).toLowerCase(Locale.ROOT), v.get(MASTER));
    }

    @Override
    public PredictConfig validate(DatasetCatalog catalog, Configuration conf) {
        input.validate(catalog, conf, "or predict on your own file with --input");
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
