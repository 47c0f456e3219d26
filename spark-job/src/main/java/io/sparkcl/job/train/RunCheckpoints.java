package io.sparkcl.job.train;

import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.ckpt.CheckpointStore;
import io.sparkcl.job.train.ckpt.TrainingState;
import io.sparkcl.job.train.data.EpochOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's checkpoints, for every training mode: {@code --resume} from "last", the "best" checkpoint
 * following the selection metric (dev macro-F1; none without a dev split: the test split never chooses), and
 * "last" on schedule and at the end.
 */
public final class RunCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);

    private final TrainConfig config;
    private final EpochOrder order;
    private final Checkpointable state;
    private final CheckpointStore store;
    private double best = -1;
    private long bestStep = -1;
    private float[] bestParams;

    public RunCheckpoints(TrainingRun run, EpochOrder order, Checkpointable state) {
        this.config = run.config();
        this.order = order;
        this.state = state;
        this.store = new CheckpointStore(run.folder().root().toString(), run.folder().conf(),
                config.run().saveTotalLimit());
    }

    /** With {@code --resume}: restores the last checkpoint into the trainer's state. Returns the first step to run. */
    public long resume(long totalSteps) {
        if (!config.run().resume()) {
            return 0;
        }
        TrainingState st = store.load("last").orElse(null);
        if (st == null) {
            LOG.warn("--resume: no checkpoint under {}, starting from step 0", store.path("last"));
            return 0;
        }
        long seed = config.schedule().seed();
        if (st.seed() != seed) {
            throw new IllegalArgumentException("--resume: the checkpoint was written with --seed " + st.seed()
                    + ", this run has --seed " + seed + ": the data order would differ");
        }
        state.restore(st.params(), st.optimizerState());
        best = st.bestMetric();
        Object bs = st.info() == null ? null : st.info().get("best_step");
        bestStep = bs instanceof Number n ? n.longValue() : -1;
        LOG.info("resuming from {} at step {}/{} (epoch {}, batch {} of the epoch)", store.path("last"),
                st.nextStep(), totalSteps, st.epoch(), st.stepInEpoch());
        return st.nextStep();
    }

    /**
     * After an evaluation at {@code done} steps: a better selection metric saves the "best" checkpoint.
     * {@code last} says it is the final evaluation, whose parameters are the final ones anyway.
     */
    public void evaluated(long done, double metric, boolean last) {
        if (metric > best) {
            best = metric;
            bestStep = done;
            bestParams = last ? null : state.params();
            store.saveWeights("best", snapshot(done));
        }
    }

    public void saveLast(long done) {
        store.save("last", snapshot(done));
    }

    /** Parameters of the best evaluation when they differ from the final ones, else null. */
    public float[] bestParams(long totalSteps) {
        if (bestParams == null && bestStep >= 0 && bestStep != totalSteps) {
            // a resumed run whose best evaluation happened before the restart
            return store.load("best").map(TrainingState::params).orElse(null);
        }
        return bestParams;
    }

    /** The best selection metric so far and the step it was reached at (-1, -1: none yet). */
    public record Best(double metric, long step) {
    }

    public Best best() {
        return new Best(best, bestStep);
    }

    private TrainingState snapshot(long nextStep) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("best_step", bestStep);
        info.put("method", config.objective().method().id());
        info.put("global_batch", config.schedule().globalBatch());
        return new TrainingState(nextStep, order.epochOf(nextStep), nextStep % order.stepsPerEpoch(),
                config.schedule().seed(), state.params(), state.saveState(), best, info);
    }
}
