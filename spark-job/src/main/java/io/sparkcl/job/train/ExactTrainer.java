package io.sparkcl.job.train;

import io.sparkcl.job.config.ScheduleConfig;
import io.sparkcl.job.train.data.EpochOrder;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.job.train.exec.GradientCachingStep;
import io.sparkcl.job.train.exec.GradientCachingStep.StepContext;
import io.sparkcl.job.train.exec.GradientCachingStep.StepResult;
import io.sparkcl.job.train.exec.ParamsBroadcast;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exact global-batch mode (driver side): each step runs the two-pass gradient-caching step on the
 * executors ({@link GradientCachingStep}), clips and applies AdamW on the driver ({@link ParameterUpdater}) and
 * broadcasts the new parameters. The result of a step does not depend on the number of executors.
 */
public final class ExactTrainer implements Trainer {
    private TrainingRun run;
    private JavaRDD<TrainingRow> epochRows;
    private GradientCachingStep gradientStep;
    private int stepEpoch = -1;

    @Override
    public String mode() {
        return "exact";
    }

    @Override
    public TrainResult train(TrainingRun run) {
        this.run = run;
        ScheduleConfig s = run.config().schedule();
        EpochOrder order = new EpochOrder(s.seed(), run.data().numTrain(), s.globalBatch());
        long total = s.totalSteps(order.stepsPerEpoch());
        ParameterUpdater updater = new ParameterUpdater(run.start(), run.config().optim(), total);
        RunCheckpoints checkpoints = new RunCheckpoints(run, order, updater);
        long first = checkpoints.resume(total);
        INDArray grad = updater.newGradient();
        try (ParamsBroadcast params = new ParamsBroadcast(run.jsc(), run.spec().numParams(), updater::current);
             StepLog log = new StepLog(run, total, first);
             RunEvaluation evaluation = new RunEvaluation(run, first)) {
            for (long step = first; step < total; step++) {
                long t0 = System.nanoTime();
                StepResult r = stepFor(order.epochOf(step)).run(context(step, order, total), params.value(),
                        params.version(), grad);
                if (!Double.isFinite(r.parts().total())) {
                    throw new TrainingDivergedException(step, "loss is " + r.parts().total() + " (ce " + r.parts().ce()
                            + ", contrastive " + r.parts().contrastive() + ")");
                }
                long ta = System.nanoTime();
                ParameterUpdater.Update u = updater.apply(step, grad);
                long tb = System.nanoTime();
                params.replace();
                long tEnd = System.nanoTime();
                long compute = r.pass1ComputeNanos() + r.pass2ComputeNanos() + r.driverLossNanos() + (tb - ta);
                log.step(step, order.epochOf(step), r.parts(), u, tEnd - t0, compute,
                        timings(r, tb - ta, tEnd - tb));
                long done = step + 1;
                if (done < total && s.evalDue(done, order.stepsPerEpoch())) {
                    checkpoints.evaluated(done, RunEvaluation.selectionMetric(
                            evaluation.evaluate(params.value(), params.version(), done)), false);
                }
                if (done < total && s.checkpointDue(done)) {
                    checkpoints.saveLast(done);
                }
                run.faults().afterStep(step);
            }
            Map<String, EvalMetrics> lastEval = evaluation.evaluate(params.value(), params.version(), total);
            checkpoints.evaluated(total, RunEvaluation.selectionMetric(lastEval), true);
            checkpoints.saveLast(total);
            RunCheckpoints.Best best = checkpoints.best();
            return new TrainResult(updater.params(), checkpoints.bestParams(total), total, log.lastLoss(), lastEval,
                    best.metric(), best.step(), log.meanStepSeconds(), log.meanOverheadSeconds(),
                    log.sequencesPerSecond(total));
        }
    }

    /** The step's time split (ms) and traffic for metrics.jsonl; see spark-job/README-training.md. */
    private static Map<String, Object> timings(StepResult r, long updateNanos, long broadcastNanos) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("pass1_ms", r.pass1ComputeNanos() / 1e6);
        t.put("pass2_ms", r.pass2ComputeNanos() / 1e6);
        t.put("driver_loss_ms", r.driverLossNanos() / 1e6);
        t.put("update_ms", updateNanos / 1e6);
        t.put("pass1_job_ms", r.pass1WallNanos() / 1e6);
        t.put("pass2_job_ms", r.pass2WallNanos() / 1e6);
        t.put("params_load_ms", r.loadNanos() / 1e6);
        t.put("grad_unpack_ms", r.sumNanos() / 1e6);
        t.put("broadcast_ms", broadcastNanos / 1e6);
        t.put("grad_bytes_per_task", r.gradBytes());
        t.put("grad_bytes_sent", r.gradBytesAllTasks());
        t.put("kept_forwards", r.keptForwards());
        t.put("recomputed_forwards", r.recomputedForwards());
        t.put("batch_rows_fetched", r.rowsFetched() ? 1 : 0);
        return t;
    }

    /** The step's context; the next step's rows come along with this one's when they are in the same rows. */
    private StepContext context(long step, EpochOrder order, long total) {
        ScheduleConfig s = run.config().schedule();
        boolean nextSameEpoch = step + 1 < total && order.epochOf(step + 1) == order.epochOf(step);
        return StepContext.of(step, s.seed(), order.batch(step), nextSameEpoch ? order.batch(step + 1) : null,
                s.microBatch(), s.keptMicroBatches(), run.data().padId(), run.config().objective(),
                run.start().config().hiddenSize(), run.start().numLabels());
    }

    /** The step over the epoch's cached rows (DualCL re-tokenises per epoch: its label names are reshuffled). */
    private GradientCachingStep stepFor(int epoch) {
        if (epoch != stepEpoch) {
            JavaRDD<TrainingRow> rows = run.data().trainRows(epoch);
            if (epochRows != null && epochRows != rows) {
                epochRows.unpersist(false);
            }
            epochRows = rows;
            gradientStep = new GradientCachingStep(run.jsc(), rows, run.spec(), run.data().trainLabels(), run.faults());
            stepEpoch = epoch;
        }
        return gradientStep;
    }
}
