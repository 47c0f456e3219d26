package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;

import java.util.Locale;

import static io.sparkcl.job.config.ConfigKey.*;

/**
 * {@code sparkcl promote}: the candidate and the current model evaluated on the same dev data (and reported on
 * the same test data); the data options are those of {@code evaluate}.
 *
 * @param candidate the new model (a run folder or a model folder)
 * @param current   the model in service (a model folder; need not exist yet)
 * @param margin    the candidate must beat the current model's dev metric by more than this
 * @param metric    accuracy or macro-f1
 * @param data      the data options (dataset, dev/test files, columns, …) as given
 */
public record PromoteConfig(String candidate, String current, double margin, String metric, ConfigValues data,
                            String output, String master) {

    public static PromoteConfig from(ConfigValues v) {
        return new PromoteConfig(v.string(CANDIDATE, null), v.string(CURRENT, null), v.number(MARGIN, 0.0),
                v.string(METRIC, "accuracy").toLowerCase(Locale.ROOT), v, v.string(OUTPUT, null), v.string(MASTER, null));
    }

    /** The evaluation of {@code model} on the dev data (the dev file, else the dataset's dev split). */
    public EvaluateConfig devEvaluation(String model) {
        return evaluation(model, "dev", TEST_FILE);
    }

    /** The evaluation of {@code model} on the test data, or null when none was given. */
    public EvaluateConfig testEvaluation(String model) {
        if (!data.isSet(TEST_FILE) && usesUserFiles()) {
            return null;
        }
        return evaluation(model, "test", DEV_FILE);
    }

    private boolean usesUserFiles() {
        return data.isSet(DEV_FILE) || data.isSet(TEST_FILE);
    }

    private EvaluateConfig evaluation(String model, String split, ConfigKey otherFile) {
        ConfigValues v = new ConfigValues().overrideWith(data);
        v.set(MODEL, model, "promote");
        v.set(SPLIT, split, "promote");
        v.set(otherFile, null, "promote");
        v.set(OUTPUT, null, "promote");
        return EvaluateConfig.from(v);
    }

    public PromoteConfig validate(DatasetCatalog catalog, Configuration conf) {
        if (candidate == null || candidate.isBlank()) {
            throw new ConfigException(CANDIDATE, "give the new model, e.g. --candidate runs/NAME");
        }
        if (current == null || current.isBlank()) {
            throw new ConfigException(CURRENT, "give the folder of the model in service, e.g. --current models/current");
        }
        if (!(margin >= 0)) {
            throw new ConfigException(MARGIN, "must be >= 0, got " + margin);
        }
        Checks.oneOf(METRIC, metric, "accuracy", "macro-f1");
        if (usesUserFiles() && !data.isSet(DEV_FILE)) {
            throw new ConfigException(DEV_FILE, "promote compares the models on dev data: give --dev-file (and "
                    + "--test-file to report test metrics)");
        }
        EvaluateConfig dev = devEvaluation(candidate);
        Checks.inferenceOptions(candidate, dev.usesRegistryDataset(), dev.dataset(), catalog,
                "or compare on your own file with --dev-file", dev.split(), dev.format(), dev.maxBadRows(),
                dev.maxLength(), dev.evalBatch(), dev.partitions(), conf);
        if (output != null) {
            OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), output, false, false, conf);
        }
        return this;
    }
}
