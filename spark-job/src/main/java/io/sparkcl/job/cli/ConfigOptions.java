package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import io.sparkcl.job.config.YamlConfig;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Adds the options of {@link ConfigKey} (one table for CLI, YAML, help and README) to a subcommand, and
 * turns a parse result into {@link ConfigValues}: the {@code --config} file first, then every option given
 * on the command line on top of it.
 */
public final class ConfigOptions {
    public static final String CONFIG = "--config";

    private ConfigOptions() {
    }

    public static void addTo(CommandSpec spec, ConfigKey.Scope scope) {
        spec.addOption(OptionSpec.builder(CONFIG).paramLabel("FILE").type(String.class)
                .description("YAML file of options (names without dashes, e.g. 'global-batch: 64'); options on "
                        + "the command line override it. A run's config.yaml can be given here.")
                .build());
        for (ConfigKey key : ConfigKey.values()) {
            if (key.appliesTo(scope)) {
                spec.addOption(option(key, scope));
            }
        }
    }

    static OptionSpec option(ConfigKey key, ConfigKey.Scope scope) {
        String dflt = ScopedHelp.defaultText(key, scope);
        String help = ScopedHelp.help(key, scope) + (dflt == null ? "" : " Default: " + dflt + ".");
        // picocli reads descriptions as format strings: a literal % (as in "1%") must be doubled
        OptionSpec.Builder b = OptionSpec.builder(key.optionName()).description(help.replace("%", "%%"));
        if (key.paramLabel() == null) {
            // A flag: --resume, or --resume=false to switch off a value set in the YAML file. Help shows the
            // flag alone (the "=false" form is documented in the README).
            b.type(Boolean.class).arity("0..1").paramLabel("").hideParamSyntax(true);
        } else {
            b.type(String.class).paramLabel(key.paramLabel());
        }
        return b.build();
    }

    /** The {@code --config} file (if any) overridden by every option given on the command line. */
    public static ConfigValues collect(ParseResult parsed, ConfigKey.Scope scope, Configuration hadoopConf) {
        ConfigValues values = new ConfigValues();
        String file = parsed.matchedOptionValue(CONFIG, null);
        if (file != null) {
            values = YamlConfig.read(file, scope, hadoopConf);
        }
        ConfigValues cli = new ConfigValues();
        for (ConfigKey key : ConfigKey.values()) {
            if (key.appliesTo(scope) && parsed.hasMatchedOption(key.optionName())) {
                Object value = parsed.matchedOptionValue(key.optionName(), null);
                cli.set(key, value == null ? Boolean.TRUE : value, "command line");
            }
        }
        return values.overrideWith(cli);
    }
}
