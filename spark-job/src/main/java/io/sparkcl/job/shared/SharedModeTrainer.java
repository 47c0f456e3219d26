package io.sparkcl.job.shared;

import io.sparkcl.job.train.exec.FlatParams;
import io.sparkcl.job.config.ModeConfig;
import io.sparkcl.job.config.OptimConfig;
import io.sparkcl.job.config.ScheduleConfig;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.Checkpointable;
import io.sparkcl.job.train.ModelStart;
import io.sparkcl.job.train.ParameterUpdater;
import io.sparkcl.job.train.RunCheckpoints;
import io.sparkcl.job.train.RunEvaluation;
import io.sparkcl.job.train.StepLog;
import io.sparkcl.job.train.TrainResult;
import io.sparkcl.job.train.Trainer;
import io.sparkcl.job.train.TrainingDivergedException;
import io.sparkcl.job.train.TrainingRun;
import io.sparkcl.job.train.data.EpochOrder;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.model.optim.LearningRateSchedule;
import org.apache.spark.broadcast.Broadcast;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --mode shared}: {@link SharedTrainer} behind the {@link Trainer} interface, with the run folder, evaluation,
 * checkpoints and {@code --resume} every mode shares. It trains whole epochs; after each one it evaluates, writes the
 * "last" checkpoint (flat parameters and Adam's state) and one metrics.jsonl line (the epoch's mean per step, at the
 * epoch's last step in global-batch steps, so runs of both modes line up).
 */
public final class SharedModeTrainer implements Trainer {

    @Override
    public String mode() {
        return "shared";
    }

    @Override
    public TrainResult train(TrainingRun run) {
        TrainConfig c = run.config();
        ScheduleConfig s = c.schedule();
        EpochOrder order = new EpochOrder(s.seed(), run.data().numTrain(), s.globalBatch());
        long perEpoch = order.stepsPerEpoch();
        int epochs = s.epochs();
        long total = epochs * perEpoch;
        int executors = SharedTrainer.executorCount(run.jsc());
        SharedSettings settings = settings(c, executors, total);
        State state = new State(run.start().params());
        RunCheckpoints checkpoints = new RunCheckpoints(run, order, state);
        long first = checkpoints.resume(total);
        if (first % perEpoch != 0) {
            throw new IllegalArgumentException("--resume: the last checkpoint is at step " + first + ", inside an epoch"
                    + " of " + perEpoch + " steps; --mode shared resumes only from the end of an epoch (was the run"
                    + " started in --mode exact?)");
        }
        int firstEpoch = (int) (first / perEpoch);
        ModelStart start = new ModelStart(run.start().config(), run.start().numLabels(), state.params);
        RowFeatures features = SharedTrainer.layout(run.data().trainRows(0), start.numLabels());
        SharedTrainer trainer = new SharedTrainer(run.jsc(), settings, features, start, run.data().numTrain(),
                firstEpoch, state.optimizerState);
        state.trainer = trainer;
        LearningRateSchedule lr = LearningRateSchedule.withWarmupRatio(settings.lr(), settings.warmupRatio(),
                trainer.stepsPerEpoch() * epochs);
        Map<String, EvalMetrics> lastEval = Map.of();
        try (StepLog log = new StepLog(run, total, first);
             RunEvaluation evaluation = new RunEvaluation(run, first)) {
            for (int epoch = firstEpoch; epoch < epochs; epoch++) {
                SharedTrainer.Epoch e = trainer.fit(run.data().trainRows(epoch), epoch);
                long done = (epoch + 1) * perEpoch;
                if (!Double.isFinite(e.meanLoss().total())) {
                    throw new TrainingDivergedException(done - 1, "mean loss of epoch " + (epoch + 1) + " is "
                            + e.meanLoss().total());
                }
                Map<String, Object> timings = new LinkedHashMap<>();
                timings.put("fit_ms", e.fitSeconds() * 1e3);
                timings.put("sync_ms", e.syncSeconds() * 1e3);
                timings.put("executor_steps", e.steps());
                timings.put("executors", e.executors());
                timings.put("replica_spread", e.maxRelativeSpread());
                timings.put("param_movement", e.relativeMovement());
                timings.put("aeron_bytes_sent", e.aeronBytesSent());
                timings.put("updates_received", e.updatesReceived());
                long lastExecutorStep = trainer.stepsPerEpoch() * (epoch + 1) - 1;
                log.step(done - 1, epoch, e.meanLoss(), new ParameterUpdater.Update(lr.at(lastExecutorStep),
                                e.meanGradNorm()), (long) ((e.fitSeconds() + e.syncSeconds()) * 1e9 / perEpoch),
                        (long) (e.fitSeconds() * 1e9 / perEpoch), timings);
                Broadcast<FlatParams> params = run.jsc().broadcast(FlatParams.of(trainer.params()));
                try {
                    lastEval = evaluation.evaluate(params, VERSIONS + done, done);
                } finally {
                    params.destroy();
                }
                checkpoints.evaluated(done, RunEvaluation.selectionMetric(lastEval), done == total);
                checkpoints.saveLast(done);
            }
            if (firstEpoch == epochs) {
                Broadcast<FlatParams> params = run.jsc().broadcast(FlatParams.of(trainer.params()));
                lastEval = evaluation.evaluate(params, VERSIONS + total, total);
                params.destroy();
            }
            RunCheckpoints.Best best = checkpoints.best();
            return new TrainResult(trainer.params(), checkpoints.bestParams(total), total, log.lastLoss(), lastEval,
                    best.metric(), best.step(), log.meanStepSeconds(), log.meanOverheadSeconds(),
                    log.sequencesPerSecond(total));
        }
    }

    /** Versions of the evaluated parameters: apart from the exact mode's, so executors never reuse a cached model. */
    private static final long VERSIONS = 1L << 40;

    /**
     * The run's options for shared mode: each executor's minibatch is its share of the global batch (at least 2 rows:
     * the contrastive term needs pairs); warm-up as a fraction of the run.
     */
    static SharedSettings settings(TrainConfig c, int executors, long totalSteps) {
        OptimConfig o = c.optim();
        ModeConfig m = c.mode();
        if (o.freezeEmbeddings()) {
            throw new IllegalArgumentException("--freeze-embeddings is not supported with --mode shared");
        }
        int perExecutor = Math.max(2, c.schedule().globalBatch() / executors);
        double warmupRatio = totalSteps == 0 ? 0 : Math.min(1, o.warmupSteps(totalSteps) / (double) totalSteps);
        return new SharedSettings(c.objective().objective(), c.model().pooling(), c.schedule().seed(), o.lr(),
                warmupRatio, o.weightDecay(), o.maxGradNorm(), perExecutor, c.schedule().epochs(), m.psThreshold(),
                m.psPort(), m.psNetwork());
    }

    /** What a checkpoint saves: the driver's parameters and Adam's state (as float32 bytes). */
    private static final class State implements Checkpointable {
        private float[] params;
        private float[] optimizerState;
        private SharedTrainer trainer;

        State(float[] params) {
            this.params = params;
        }

        @Override
        public float[] params() {
            return trainer == null ? params.clone() : trainer.params();
        }

        @Override
        public byte[] saveState() {
            float[] st = trainer == null ? (optimizerState == null ? new float[0] : optimizerState)
                    : trainer.updaterState();
            ByteBuffer b = ByteBuffer.allocate(4 * st.length);
            b.asFloatBuffer().put(st);
            return b.array();
        }

        @Override
        public void restore(float[] params, byte[] state) {
            this.params = params;
            if (state != null && state.length > 0) {
                if (state.length % 4 != 0) {
                    throw new IllegalArgumentException("--resume: the checkpoint's optimizer state is not float32 ("
                            + state.length + " bytes)");
                }
                optimizerState = new float[state.length / 4];
                ByteBuffer.wrap(state).asFloatBuffer().get(optimizerState);
            }
        }
    }
}
