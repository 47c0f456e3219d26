package io.sparkcl.job.cli;

import io.sparkcl.job.config.ConfigKey;

import java.util.ArrayList;
import java.util.List;

/**
 * Markdown table of every option of train/evaluate/predict, generated from {@link ConfigKey} for the README
 * ("Command line"): {@code java -cp JAR io.sparkcl.job.cli.OptionsReference}.
 */
public final class OptionsReference {
    private OptionsReference() {
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Option | Commands | Default | Meaning |\n|---|---|---|---|\n");
        sb.append("| `--config FILE` | train, evaluate, predict, promote | | YAML file of options (names without dashes); "
                + "command-line options override it. |\n");
        for (ConfigKey k : ConfigKey.values()) {
            List<String> cmds = new ArrayList<>();
            for (ConfigKey.Scope s : ConfigKey.Scope.values()) {
                if (k.appliesTo(s)) {
                    cmds.add(s.name().toLowerCase(java.util.Locale.ROOT));
                }
            }
            String option = "`" + k.optionName() + (k.paramLabel() == null ? "" : " " + k.paramLabel()) + "`";
            sb.append("| ").append(option.replace("|", "\\|"))
                    .append(" | ").append(String.join(", ", cmds))
                    .append(" | ").append(k.defaultText() == null ? "" : k.defaultText().replace("|", "\\|"))
                    .append(" | ").append(k.help().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
