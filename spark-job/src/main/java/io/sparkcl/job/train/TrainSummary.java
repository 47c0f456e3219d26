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
 * @param bestMetric      best dev (else test) macro-F1 seen at an evaluation
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

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_folder", runFolder);
        m.put("model", modelFolder);
        m.put("method", method);
        m.put("steps", steps);
        m.put("epochs", epochsSeen);
        m.put("last_loss", lastLoss);
        m.put("seconds", seconds);
        m.put("data_seconds", dataSeconds);
        m.put("sequences_per_second", sequencesPerSecond);
        m.put("mean_step_seconds", meanStepSeconds);
        m.put("mean_step_overhead_seconds", meanStepOverheadSeconds);
        m.put("best_metric", bestMetric);
        m.put("best_step", bestStep);
        Map<String, Object> evals = new LinkedHashMap<>();
        finalEval.forEach((k, v) -> evals.put(k, v.toMap()));
        m.put("final_eval", evals);
        return m;
    }
}
