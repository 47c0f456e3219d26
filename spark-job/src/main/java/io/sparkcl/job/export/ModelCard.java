package io.sparkcl.job.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.cli.Invocation;
import io.sparkcl.job.train.report.RunFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The model card ({@code README.md} in a saved model folder): what the model is (base model, method, λ, τ),
 * what it was trained and evaluated on (data, split sizes, dev/test metrics), when and with which command, and
 * how to load it in HuggingFace transformers (from the folder's {@code config.json}).
 */
public final class ModelCard {
    public static final String FILE = "README.md";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelCard() {
    }

    /**
     * Writes {@code <run>/<modelFolder>/README.md}.
     *
     * @param settings the trainer's settings as written to trainer.json
     * @param summary  summary.json's content (final_eval, data, steps, epochs)
     */
    public static void write(RunFolder run, String modelFolder, Map<String, ?> settings, Map<String, ?> summary) {
        JsonNode config;
        try {
            config = JSON.readTree(run.readString(modelFolder + "/config.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + run.path(modelFolder + "/config.json"), e);
        }
        run.writeString(modelFolder + "/" + FILE, render(JSON.valueToTree(settings), JSON.valueToTree(summary), config,
                run.root().toString(), ZonedDateTime.now(ZoneOffset.UTC), Invocation.commandLine()));
    }

    static String render(JsonNode settings, JsonNode summary, JsonNode config, String runFolder, ZonedDateTime date,
                         Optional<String> commandLine) {
        String method = settings.path("method").asText();
        JsonNode data = summary.path("data");
        StringBuilder b = new StringBuilder();
        b.append("# ").append(settings.path("dataset").asText()).append(" classifier (SparkCL, ").append(method)
                .append(")\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "base model", settings.path("model").asText());
        row(b, "method", methodText(method));
        row(b, "λ, τ", method.equals("ce") ? "–, –" : settings.path("lambda").asText() + ", " + settings.path("tau").asText());
        row(b, "pooling, max length", settings.path("pooling").asText() + ", " + settings.path("max-length").asText());
        row(b, "global batch, lr, seed", settings.path("global-batch").asText() + ", " + settings.path("lr").asText()
                + ", " + settings.path("seed").asText());
        row(b, "steps (epochs)", summary.path("steps").asText() + " (" + summary.path("epochs").asText() + ")");
        row(b, "labels", data.path("labels").toString());
        row(b, "data", dataText(settings));
        row(b, "splits (rows)", "train " + data.path("train_rows").asText("?") + ", dev " + data.path("dev_rows").asText("–")
                + ", test " + data.path("test_rows").asText("–"));
        row(b, "date", date.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_INSTANT));
        row(b, "run folder", runFolder);
        b.append("\n## Metrics\n\n| split | rows | accuracy | macro-F1 |\n|---|---|---|---|\n");
        JsonNode evals = summary.path("final_eval");
        for (String split : new String[]{"dev", "test"}) {
            JsonNode m = evals.path(split);
            if (m.isObject()) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f |%n", split, m.path("rows").asLong(),
                        m.path("accuracy").asDouble(), m.path("macro_f1").asDouble()));
            } else {
                b.append("| ").append(split).append(" | – | – | – |\n");
            }
        }
        b.append(data.has("dev_rows")
                ? "\nThe best-model/ checkpoint was chosen on dev macro-F1; test is only reported.\n"
                : "\nNo dev split (--dev-fraction 0 and no dev data): nothing was selected, the final model is kept; "
                + "test is only reported.\n");
        b.append("\n## Command\n\n```bash\n").append(commandLine.orElse("# trained through the Java API (no command line); the resolved options are in trainer.json"))
                .append("\n```\n\nThe resolved configuration is `config.yaml` in the run folder "
                        + "(`sparkcl train --config RUN/config.yaml` trains the same model again).\n");
        b.append("\n## Use\n\n- SparkCL: `sparkcl evaluate|predict --model THIS_FOLDER`, "
                + "`FineTunedModel.load(dir)`, or `SparkCLModel` in Spark ML.\n");
        JsonNode t = config.path("sparkcl").path("transformers");
        String cls = t.path("class").isTextual() ? t.path("class").asText() : null;
        if (cls != null) {
            b.append("- HuggingFace transformers: loads as `").append(cls).append("` (e.g. `AutoModelForSequenceClassification"
                    + ".from_pretrained(dir)` or `pipeline(\"text-classification\", model=dir)`) and gives SparkCL's "
                    + "probabilities (tested within 1e-4). ").append(t.path("note").asText()).append('\n');
        } else {
            b.append("- HuggingFace transformers has **no class** for this model's head, so `config.json` names the bare "
                    + "encoder (`").append(config.path("architectures").path(0).asText())
                    .append("`), which loads exactly; compute the predictions from its `last_hidden_state` as follows. ")
                    .append(t.path("note").asText()).append('\n');
        }
        return b.toString();
    }

    private static String methodText(String method) {
        return switch (method) {
            case "ce" -> "ce: cross-entropy on a linear head";
            case "scl" -> "scl: (1-λ)·CE + λ·supervised contrastive (Gunel et al. 2021)";
            case "dualcl" -> "dualcl: CE + λ·(L_z + L_θ), dual contrastive learning (Chen et al. 2022)";
            default -> method;
        };
    }

    private static String dataText(JsonNode settings) {
        StringBuilder s = new StringBuilder(settings.path("dataset").asText());
        settings.fields().forEachRemaining(e -> {
            if (e.getKey().endsWith("-file")) {
                s.append(", ").append(e.getKey()).append(' ').append(e.getValue().asText());
            }
        });
        return s.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("| ").append(name).append(" | ").append(value.replace("|", "\\|")).append(" |\n");
    }
}
