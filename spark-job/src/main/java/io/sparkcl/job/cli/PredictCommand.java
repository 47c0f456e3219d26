package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.PredictConfig;
import picocli.CommandLine.Command;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict with a fine-tuned model on a dataset split or any file; writes one row per input "
                + "(id, text, predicted label, class probabilities) as Parquet or CSV."})
public final class PredictCommand extends InferenceCommand<PredictConfig> {
    public PredictCommand() {
        super(ConfigKey.Scope.PREDICT, PredictConfig::from, Jobs::predict);
    }
}
