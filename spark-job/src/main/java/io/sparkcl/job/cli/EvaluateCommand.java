package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.EvaluateConfig;
import picocli.CommandLine.Command;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a fine-tuned model (a run's model/ folder) on a split: accuracy, macro-F1 and "
                + "per-class precision/recall/F1, computed on the executors."})
public final class EvaluateCommand extends InferenceCommand<EvaluateConfig> {
    public EvaluateCommand() {
        super(ConfigKey.Scope.EVALUATE, EvaluateConfig::from, Jobs::evaluate);
    }
}
