package io.sparkcl.job.ablate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.train.report.RunFolder;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a finished cell, from its run folder's {@code summary.json}: the dev-selected model's test
 * and dev metrics, and the cost of the run.
 */
public record CellResult(AblationCell cell, long selectedStep, double testAccuracy, double testMacroF1,
                         double devAccuracy, double devMacroF1, long steps, double seconds, double sequencesPerSecond,
                         String selectionRule, Map<String, Object> data) {

    @SuppressWarnings("unchecked")
    static CellResult read(AblationCell cell, RunFolder run) {
        Map<String, Object> summary;
        try {
            summary = new ObjectMapper().readValue(run.readString("summary.json"), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + run.path("summary.json"), e);
        }
        Map<String, Object> selection = (Map<String, Object>) summary.getOrDefault("model_selection", Map.of());
        Map<String, Object> test = (Map<String, Object>) selection.get("test");
        Map<String, Object> dev = (Map<String, Object>) selection.get("dev");
        return new CellResult(cell, (long) num(selection, "step"), num(test, "accuracy"), num(test, "macro_f1"),
                num(dev, "accuracy"), num(dev, "macro_f1"), (long) num(summary, "steps"), num(summary, "seconds"),
                num(summary, "sequences_per_second"), String.valueOf(selection.get("rule")),
                (Map<String, Object>) summary.getOrDefault("data", Map.of()));
    }

    private static double num(Map<String, Object> m, String field) {
        return m != null && m.get(field) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The selected model's numbers in the per-cell JSON. */
    record Selected(String rule, long step, double testAccuracy, double testMacroF1, double devAccuracy,
                    double devMacroF1) {
    }

    /** The per-cell JSON of the results folder (snake_case keys). */
    record CellJson(String cell, Map<String, Object> gridValues, Map<String, Object> config, Selected selectedModel,
                    long steps, double trainSeconds, double sequencesPerSecond, Map<String, Object> data) {
    }

    /** Data sizes and the split rule of the run, from its data report. */
    private static final List<String> DATA_FIELDS = List.of("train_rows", "train_rows_per_class", "dev_rows",
            "test_rows", "test_source", "dev_source", "dev_rows_carved", "selection", "few_shot_per_class", "fraction",
            "label_noise");

    /**
     * The per-cell JSON. The run folder is given relative to the ablation folder, so that a results folder stays
     * true when the ablation is copied or committed.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap(Path ablationRoot) {
        Map<String, Object> d = new LinkedHashMap<>();
        DATA_FIELDS.stream().filter(data::containsKey).forEach(k -> d.put(k, data.get(k)));
        Map<String, Object> config = new LinkedHashMap<>(cell.config().toMap());
        config.computeIfPresent(ConfigKey.OUTPUT.key(), (k, v) -> relative(ablationRoot, v.toString()));
        CellJson json = new CellJson(cell.id(), cell.variedByName(), config, new Selected(selectionRule,
                selectedStep, testAccuracy, testMacroF1, devAccuracy, devMacroF1), steps, seconds, sequencesPerSecond, d);
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .convertValue(json, LinkedHashMap.class);
    }

    private static String relative(Path root, String folder) {
        String rootPath = root.toUri().getPath().replaceAll("/+$", "") + "/";
        String path = new Path(folder).toUri().getPath();
        return path.startsWith(rootPath) ? path.substring(rootPath.length()) : folder;
    }
}
