package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;

/**
 * The help text of an option as one command shows it. {@link ConfigKey} holds one text per option (the
 * README table shows it for every command); the few options whose meaning differs between train and
 * evaluate/predict get their command's own text here, so that {@code evaluate --help} shows no train-only
 * defaults.
 */
final class ScopedHelp {
    private ScopedHelp() {
    }

    static String help(ConfigKey key, ConfigKey.Scope scope) {
        return switch (key) {
            case MODEL -> scope == ConfigKey.Scope.TRAIN
                    ? "Registry model (tiny-random, all-minilm-l6-v2, bge-small-en-v1.5, e5-small-v2) or a HuggingFace "
                    + "folder."
                    : "The fine-tuned model folder (RUN/model or RUN/best-model).";
            case OUTPUT -> switch (scope) {
                case TRAIN -> "The run folder (Hadoop path); locked while the run is active.";
                case EVALUATE -> "Where to write the results (optional): a file ending in .json (bad rows go to "
                        + "NAME-quarantine/ beside it) or a folder (evaluation.json and quarantine/). Without it, bad "
                        + "rows go to a new private temporary folder named in the log.";
                case PREDICT -> "The new folder the predictions are written to (required); bad rows go to its "
                        + "_quarantine/.";
                case PROMOTE -> "Where to write promotion.json (optional).";
            };
            default -> key.help();
        };
    }

    static String defaultText(ConfigKey key, ConfigKey.Scope scope) {
        if (scope == ConfigKey.Scope.TRAIN) {
            return key.defaultText();
        }
        return switch (key) {
            case MODEL, OUTPUT -> null;
            case MAX_LENGTH -> "the length the model was trained with";
            default -> key.defaultText();
        };
    }
}
