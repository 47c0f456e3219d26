package io.sparkcl.job.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.train.report.RunFolder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which checkpoint a run selected and what it scored: the step of the best dev macro-F1 (the final step when
 * the run has no dev split), with the dev and test metrics evaluated at that step, read from
 * {@code eval.jsonl} (which holds every evaluation, also across resumed runs). The test split is reported
 * here, never used to choose.
 */
public record ModelSelection(String rule, long step, Map<String, Double> dev, Map<String, Double> test) {

    /**
     * @param bestStep  the step of the best dev evaluation, or negative when nothing was selected
     * @param finalStep the run's last step
     */
    public static ModelSelection of(RunFolder run, long bestStep, long finalStep) {
        long step = bestStep >= 0 ? bestStep : finalStep;
        String rule = bestStep >= 0 ? "best dev macro-F1 (test never used to choose)"
                : "final model (no dev split to select on)";
        List<Map<String, Object>> evals = RunLogs.read(run, "eval.jsonl");
        return new ModelSelection(rule, step, metricsAt(evals, "dev", step), metricsAt(evals, "test", step));
    }

    private static Map<String, Double> metricsAt(List<Map<String, Object>> evals, String split, long step) {
        Map<String, Double> m = null;
        for (Map<String, Object> e : evals) {
            if (split.equals(e.get("split")) && RunLogs.number(e, "step") == step) {
                m = new LinkedHashMap<>();
                m.put("accuracy", RunLogs.number(e, "accuracy"));
                m.put("macro_f1", RunLogs.number(e, "macro_f1"));
                m.put("rows", RunLogs.number(e, "rows"));
            }
        }
        return m;
    }

    /** Test accuracy of the selected model, NaN without a labelled test split. */
    public double testAccuracy() {
        return test == null ? Double.NaN : test.get("accuracy");
    }

    /** {@code rule, step, dev, test} as JSON-friendly maps. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return new ObjectMapper().convertValue(this, LinkedHashMap.class);
    }
}
