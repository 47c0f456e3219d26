package io.sparkcl.job.train;

import io.sparkcl.job.train.eval.EvalMetrics;

import java.util.Map;

/**
 * Outcome of a training loop.
 *
 * @param finalParams  parameters after the last step
 * @param bestParams   parameters of the best evaluation (null when no evaluation ran)
 * @param finalEval    last evaluation per split ("dev", "test")
 */
public record TrainResult(float[] finalParams, float[] bestParams, long steps, double lastLoss,
                          Map<String, EvalMetrics> finalEval, double bestMetric, long bestStep,
                          double meanSecondsPerStep, double meanOverheadSeconds, double sequencesPerSecond) {
}
