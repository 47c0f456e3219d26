package io.sparkcl.job.train;

import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.report.JsonLines;
import io.sparkcl.losses.Objective;
import io.sparkcl.losses.ObjectiveParts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-step record of a run, for every mode: a line in metrics.jsonl (loss parts, learning rate, gradient
 * norm, throughput, time split), the progress log, and the means the summary reports.
 */
public final class StepLog implements AutoCloseable {
    private final JsonLines metrics;
    private final ProgressLog progress;
    private final Objective objective;
    private final int globalBatch;
    private final long startNanos = System.nanoTime();
    private final long firstStep;
    private double lastLoss = Double.NaN;
    private double sumStepSeconds;
    private double sumOverheadSeconds;
    private long measured;

    /** @param firstStep lines of later steps (from before a restart) are dropped from metrics.jsonl */
    public StepLog(TrainingRun run, long totalSteps, long firstStep) {
        TrainConfig c = run.config();
        this.metrics = run.folder().jsonLines("metrics.jsonl", firstStep);
        this.progress = new ProgressLog(totalSteps, firstStep, c.schedule().logEvery(), c.schedule().globalBatch());
        this.objective = c.objective().objective();
        this.globalBatch = c.schedule().globalBatch();
        this.firstStep = firstStep;
    }

    /**
     * @param computeNanos the part of the step's wall time spent computing (the rest is overhead)
     * @param timings      mode-specific times in milliseconds (e.g. pass1_ms), appended to the line
     */
    public void step(long step, int epoch, ObjectiveParts parts, ParameterUpdater.Update u, long wallNanos,
                     long computeNanos, Map<String, Object> timings) {
        long overhead = Math.max(0, wallNanos - computeNanos);
        lastLoss = parts.total();
        sumStepSeconds += wallNanos / 1e9;
        sumOverheadSeconds += overhead / 1e9;
        measured++;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step + 1);
        m.put("epoch", epoch);
        m.put("loss", parts.total());
        m.put("ce", parts.ce());
        m.put("contrastive", parts.contrastive());
        m.put("ce_weight", objective.crossEntropyWeight());
        m.put("contrastive_weight", objective.contrastiveWeight());
        if (objective.needsLabelFeatures()) {
            m.put("lz", parts.lz());
            m.put("ltheta", parts.ltheta());
        }
        m.put("lr", u.learningRate());
        m.put("grad_norm", u.gradNorm());
        m.put("seq_per_s", globalBatch / (wallNanos / 1e9));
        m.put("step_ms", wallNanos / 1e6);
        m.put("compute_ms", computeNanos / 1e6);
        m.put("overhead_ms", overhead / 1e6);
        m.putAll(timings);
        metrics.write(m);
        progress.step(step, parts, u, wallNanos);
    }

    public double lastLoss() {
        return lastLoss;
    }

    public double meanStepSeconds() {
        return measured == 0 ? 0 : sumStepSeconds / measured;
    }

    public double meanOverheadSeconds() {
        return measured == 0 ? 0 : sumOverheadSeconds / measured;
    }

    /** Sequences per second over the steps run in this process, up to {@code totalSteps}. */
    public double sequencesPerSecond(long totalSteps) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        return elapsed == 0 ? 0 : (totalSteps - firstStep) * globalBatch / elapsed;
    }

    @Override
    public void close() {
        metrics.close();
    }
}
