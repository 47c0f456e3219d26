package io.sparkcl.job.train;

import io.sparkcl.job.train.eval.EvalMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code sparkcl train} returns and writes to {@code summary.json}.
 *
 * @param runFolder       the run folder (Hadoop path)
 * @param modelFolder     the final model (FineTunedModel format)
 * @param finalEval       last evaluation per split ("dev", "test")
 * @param bestMetric      best dev macro-F1 seen at an evaluation (-1 without a dev split: the test split never chooses)
 * @param seconds         wall time of the training loop (data preparation excluded)
 * @param dataSeconds     wall time of reading, validating and tokenising the data
 */
public record TrainSummary(String runFolder, String modelFolder, String method, long steps, int epochsSeen,
                           double lastLoss, Map<String, EvalMetrics> finalEval, double bestMetric, long bestStep,
                           double seconds, double dataSeconds, double sequencesPerSecond, double meanStepSeconds,
                           double meanStepOverheadSeconds) {

    /** Test accuracy, or NaN when there is no labelled test split. */
    public double testAccuracy() {
        EvalMetrics t = finalEval.get("test");
        return t == null ? Double.NaN : t.accuracy();
    }

    /** summary.json, keys in reading order. */
    public Map<String, Object> toMap() {
        Map<String, Object> evals = new LinkedHashMap<>();
        finalEval.forEach((k, v) -> evals.put(k, v.toMap()));
        Object[] keysAndValues = {"run_folder", runFolder, "model", modelFolder, "method", method, "steps", steps,
                "epochs", epochsSeen, "last_loss", lastLoss, "seconds", seconds, "data_seconds", dataSeconds,
                "sequences_per_second", sequencesPerSecond, "mean_step_seconds", meanStepSeconds,
                "mean_step_overhead_seconds", meanStepOverheadSeconds, "best_metric", bestMetric,
                "best_step", bestStep, "final_eval", evals};
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
