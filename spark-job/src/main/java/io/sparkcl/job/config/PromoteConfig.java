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

    /** Resolves the given options (checking each on its own: margin >= 0, a known metric) with their defaults. */
    public static PromoteConfig from(ConfigValues v) {
        v.checkEach();
        return new PromoteConfig(v.get(CANDIDATE), v.get(CURRENT), v.get(MARGIN),
                v.<String>get(METRIC).trim().toLowerCase(Locale.ROOT), v, v.get(OUTPUT), v.get(MASTER));
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
        MARGIN.check(margin);
        METRIC.check(metric);
        if (usesUserFiles() && !data.isSet(DEV_FILE)) {
            throw new ConfigException(DEV_FILE, "promote compares the models on dev data: give --dev-file (and "
                    + "--test-file to report test metrics)");
        }
        devEvaluation(candidate).input().validate(catalog, conf, "or compare on your own file with --dev-file");
        if (output != null) {
            OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), output, false, false, conf);
        }
        return this;
    }
}
