package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;

import static io.sparkcl.job.config.ConfigKey.*;

/**
 * {@code sparkcl evaluate}: a fine-tuned model folder on one split of a registry dataset, or on your own
 * labelled file ({@code --test-file} or {@code --dev-file}).
 *
 * @param output     the results file ({@code x.json}) or a folder for {@code evaluation.json}; null = print only
 * @param master     null = the launcher's / spark-submit's, else {@code local[*]}
 */
public record EvaluateConfig(InferenceInput input, int evalBatch, String output, String master)
        implements InferenceJobConfig, Serializable {

    /** Resolves the given options (checking each on its own) with the defaults of {@link ConfigKey}. */
    public static EvaluateConfig from(ConfigValues v) {
        v.checkEach();
        // the test file is evaluated when both are given; a dev file alone is the dev split
        ConfigKey file = v.isSet(TEST_FILE) ? TEST_FILE : DEV_FILE;
        String split = v.get(SPLIT, v.isSet(DEV_FILE) && !v.isSet(TEST_FILE) ? "dev" : v.get(SPLIT));
        return new EvaluateConfig(InferenceInput.from(v, file, split, v.get(LABEL_COLUMN), null),
                v.get(EVAL_BATCH), v.get(OUTPUT), v.get(MASTER));
    }

    @Override
    public EvaluateConfig validate(DatasetCatalog catalog, Configuration conf) {
        input.validate(catalog, conf, "or evaluate your own file with --test-file");
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
}
