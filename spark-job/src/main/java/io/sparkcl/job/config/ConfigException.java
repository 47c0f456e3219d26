package io.sparkcl.job.config;

/**
 * A bad configuration value. The message always starts with the option as the user spells it
 * ({@code --lambda: …}), so the user knows what to fix; thrown before any Spark work starts.
 */
public class ConfigException extends IllegalArgumentException {
    private final String option;

    public ConfigException(ConfigKey key, String problem) {
        this(key.optionName(), problem);
    }

    public ConfigException(String option, String problem) {
        super(option + ": " + problem);
        this.option = option;
    }

    public ConfigException(String option, String problem, Throwable cause) {
        super(option + ": " + problem, cause);
        this.option = option;
    }

    /** The option at fault, e.g. {@code --lambda} or {@code --config}. */
    public String option() {
        return option;
    }
}
