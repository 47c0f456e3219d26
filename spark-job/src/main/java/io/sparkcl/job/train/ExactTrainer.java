package io.sparkcl.job.train;

import io.sparkcl.job.train.ckpt.CheckpointStore;
import io.sparkcl.job.train.ckpt.TrainingState;
import io.sparkcl.job.train.data.EpochOrder;
import io.sparkcl.job.train.eval.ConfusionMatrix;
import io.sparkcl.job.train.eval.DistributedEvaluator;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.job.train.exec.ExactStepRunner;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.exec.StepContext;
import io.sparkcl.job.train.exec.StepObjective;
import io.sparkcl.job.train.report.JsonLines;
import io.sparkcl.job.train.report.RunFolder;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The exact global-batch training loop on Spark (driver side): for each step, the batch from the epoch
 * order, the two-pass step ({@link ExactStepRunner}), gradient clipping and AdamW on the driver, the new
 * parameters broadcast; metrics, evaluation and checkpoints on schedule.
 */
public final class ExactTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(ExactTrainer.class);

    private final JavaSparkContext jsc;
    private final TrainerSettings s;
    private final TrainingData data;
    private final ModelStart start;
    private final RunFolder run;

    public ExactTrainer(JavaSparkContext jsc, TrainerSettings settings, TrainingData data, ModelStart start, RunFolder run) {
        this.jsc = jsc;
        this.s = settings;
        this.data = data;
        this.start = start;
        this.run = run;
    }

    public static long totalSteps(TrainerSettings s, EpochOrder order) {
        return s.steps() > 0 ? s.steps() : (long) s.epochs() * order.stepsPerEpoch();
    }

    public TrainResult train() {
        EpochOrder order = new EpochOrder(s.seed(), data.numTrain(), s.globalBatch());
        long total = totalSteps(s, order);
        ModelSpec spec = new ModelSpec(start.config(), start.numLabels(), s.pooling());
        StepObjective objective = new StepObjective(s.method(), s.lambda(), s.tau());
        ParameterUpdater updater = new ParameterUpdater(start, s, total);
        CheckpointStore store = new CheckpointStore(run.root().toString(), run.conf());

        long first = 0;
        double best = -1;
        long bestStep = -1;
        if (s.resume()) {
            TrainingState st = store.load("last").orElse(null);
            if (st == null) {
                LOG.warn("--resume: no checkpoint under {}, starting from step 0", store.path("last"));
            } else {
                if (st.seed() != s.seed()) {
                    throw new IllegalArgumentException("--resume: the checkpoint was written with --seed " + st.seed()
                            + ", this run has --seed " + s.seed() + ": the data order would differ");
                }
                updater.restore(st.params(), st.optimizerState());
                first = st.nextStep();
                best = st.bestMetric();
                Object bs = st.info() == null ? null : st.info().get("best_step");
                bestStep = bs instanceof Number n ? n.longValue() : -1;
                LOG.info("resuming from {} at step {}/{} (epoch {}, batch {} of the epoch)", store.path("last"), first,
                        total, st.epoch(), st.stepInEpoch());
            }
        }

        ExactStepRunner runner = null;
        int runnerEpoch = -1;
        JavaRDD<io.sparkcl.job.train.data.TrainingRow> epochRows = null;
        float[] bestParams = null;
        Map<String, EvalMetrics> lastEval = new LinkedHashMap<>();
        double lastLoss = Double.NaN;
        double sumStepSeconds = 0;
        double sumOverhead = 0;
        long measured = 0;
        long trainStart = System.nanoTime();
        ProgressLog progress = new ProgressLog(total, first, s.logEvery(), s.globalBatch());

        Broadcast<float[]> params = jsc.broadcast(updater.params());
        long version = UUID.randomUUID().getMostSignificantBits();
        try (JsonLines metrics = run.jsonLines("metrics.jsonl", first);
             JsonLines evals = run.jsonLines("eval.jsonl", first)) {
            for (long step = first; step < total; step++) {
                int epoch = order.epochOf(step);
                if (epoch != runnerEpoch) {
                    JavaRDD<io.sparkcl.job.train.data.TrainingRow> rows = data.trainRows(epoch);
                    if (epochRows != null && epochRows != rows) {
                        epochRows.unpersist(false);
                    }
                    epochRows = rows;
                    runner = new ExactStepRunner(jsc, rows, spec, data.trainLabels(), start.params().length);
                    runnerEpoch = epoch;
                }
                long t0 = System.nanoTime();
                StepContext ctx = new StepContext(step, s.seed(), order.batch(step), s.microBatch(), data.padId(),
                        objective, start.config().hiddenSize(), start.numLabels(), null, null,
                        step == s.injectNanAtStep(), step == s.failTaskAtStep());
                ExactStepRunner.StepResult r = runner.run(ctx, params, version);
                if (!Double.isFinite(r.parts().total())) {
                    throw new TrainingDivergedException(step, "loss is " + r.parts().total() + " (ce " + r.parts().ce() + ", contrastive "
                            + r.parts().contrastive() + ")");
                }
                long tu = System.nanoTime();
                ParameterUpdater.Update u = updater.apply(step, r.grad());
                if (!Double.isFinite(u.gradNorm())) {
                    throw new TrainingDivergedException(step, "gradient norm is " + u.gradNorm());
                }
                long updateNanos = System.nanoTime() - tu;
                long tb = System.nanoTime();
                Broadcast<float[]> next = jsc.broadcast(updater.params());
                params.unpersist(false);
                params = next;
                version = UUID.randomUUID().getMostSignificantBits();
                long broadcastNanos = System.nanoTime() - tb;
                long wall = System.nanoTime() - t0;
                long compute = r.pass1ComputeNanos() + r.pass2ComputeNanos() + r.driverLossNanos() + updateNanos;
                long overhead = Math.max(0, wall - compute);
                lastLoss = r.parts().total();
                sumStepSeconds += wall / 1e9;
                sumOverhead += overhead / 1e9;
                measured++;

                Map<String, Object> m = new LinkedHashMap<>();
                m.put("step", step + 1);
                m.put("epoch", order.epochOf(step));
                m.put("loss", r.parts().total());
                m.put("ce", r.parts().ce());
                m.put("contrastive", r.parts().contrastive());
                m.put("ce_weight", objective.objective().crossEntropyWeight());
                m.put("contrastive_weight", objective.objective().contrastiveWeight());
                if (objective.isDualCl()) {
                    m.put("lz", r.parts().lz());
                    m.put("ltheta", r.parts().ltheta());
                }
                m.put("lr", u.learningRate());
                m.put("grad_norm", u.gradNorm());
                m.put("seq_per_s", s.globalBatch() / (wall / 1e9));
                m.put("step_ms", wall / 1e6);
                m.put("compute_ms", compute / 1e6);
                m.put("overhead_ms", overhead / 1e6);
                m.put("pass1_ms", r.pass1ComputeNanos() / 1e6);
                m.put("pass2_ms", r.pass2ComputeNanos() / 1e6);
                m.put("driver_loss_ms", r.driverLossNanos() / 1e6);
                m.put("update_ms", updateNanos / 1e6);
                m.put("broadcast_ms", broadcastNanos / 1e6);
                metrics.write(m);
                progress.step(step, r, u, wall);

                long done = step + 1;
                boolean last = done == total;
                boolean evalDue = s.evalEvery() > 0 ? done % s.evalEvery() == 0 : done % order.stepsPerEpoch() == 0;
                if (!last && evalDue) {
                    lastEval = evaluate(spec, params, version, done, evals);
                    double metric = selectionMetric(lastEval);
                    if (metric > best) {
                        best = metric;
                        bestStep = done;
                        bestParams = updater.params().clone();
                        store.save("best", state(order, done, updater, best, bestStep));
                    }
                }
                if (!last && s.checkpointEvery() > 0 && done % s.checkpointEvery() == 0) {
                    store.save("last", state(order, done, updater, best, bestStep));
                }
                if (step == s.stopAfterStep()) {
                    throw new TrainingStoppedException(step);
                }
            }
            if (first < total || lastEval.isEmpty()) {
                lastEval = evaluate(spec, params, version, total, evals);
                double metric = selectionMetric(lastEval);
                if (metric > best) {
                    best = metric;
                    bestStep = total;
                    bestParams = null; // the final parameters are the best
                    store.save("best", state(order, total, updater, best, bestStep));
                }
            }
            store.save("last", state(order, total, updater, best, bestStep));
            if (bestParams == null && bestStep >= 0 && bestStep != total) {
                // resumed run whose best evaluation happened before the restart
                bestParams = store.load("best").map(TrainingState::params).orElse(null);
            }
        } finally {
            params.unpersist(false);
        }
        double elapsed = (System.nanoTime() - trainStart) / 1e9;
        long steps = total - first;
        return new TrainResult(updater.params(), bestParams, total, lastLoss, lastEval, best, bestStep,
                measured == 0 ? 0 : sumStepSeconds / measured, measured == 0 ? 0 : sumOverhead / measured,
                elapsed == 0 ? 0 : steps * s.globalBatch() / elapsed);
    }

    private TrainingState state(EpochOrder order, long nextStep, ParameterUpdater updater, double best, long bestStep) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("best_step", bestStep);
        info.put("method", s.method());
        info.put("global_batch", s.globalBatch());
        return new TrainingState(nextStep, order.epochOf(nextStep), nextStep % order.stepsPerEpoch(), s.seed(),
                updater.params().clone(), updater.saveState(), best, info);
    }

    /** Dev macro-F1; -1 without a dev split (then nothing is selected: the test split never chooses). */
    static double selectionMetric(Map<String, EvalMetrics> eval) {
        EvalMetrics m = eval.get("dev");
        return m == null ? -1 : m.macroF1();
    }

    private Map<String, EvalMetrics> evaluate(ModelSpec spec, Broadcast<float[]> params, long version, long step,
                                              JsonLines evals) {
        Map<String, EvalMetrics> out = new LinkedHashMap<>();
        evalSplit("dev", data.dev(), spec, params, version, step, evals, out);
        evalSplit("test", data.test(), spec, params, version, step, evals, out);
        return out;
    }

    private void evalSplit(String name, JavaRDD<io.sparkcl.job.train.data.TrainingRow> rows, ModelSpec spec,
                           Broadcast<float[]> params, long version, long step, JsonLines evals,
                           Map<String, EvalMetrics> out) {
        if (rows == null) {
            return;
        }
        jsc.setJobGroup("sparkcl-eval", "evaluate " + name + " at step " + step, false);
        ConfusionMatrix cm = DistributedEvaluator.confusion(rows, spec, params, version, s.isDualCl(), data.padId(),
                s.evalBatch());
        EvalMetrics m = EvalMetrics.of(name, cm, data.labels());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.putAll(m.toMap());
        evals.write(line);
        LOG.info("eval {} at step {}: accuracy {} macro-F1 {} ({} rows)", name, step,
                String.format("%.4f", m.accuracy()), String.format("%.4f", m.macroF1()), m.rows());
        out.put(name, m);
    }
}
