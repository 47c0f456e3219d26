package io.sparkcl.job.train.exec;

import io.sparkcl.job.config.ObjectiveConfig;
import io.sparkcl.job.train.data.RowBatches;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.losses.ContrastivePart;
import io.sparkcl.losses.CrossEntropyPart;
import io.sparkcl.losses.Objective;
import io.sparkcl.losses.ObjectiveParts;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.ForwardState;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One exact global-batch step on Spark with gradient caching (GradCache, Gao et al. 2021), the driver
 * acting as parameter server. The batch's rows go out with the step's context ({@link BatchRows}), and task p of P
 * takes the p-th of P equal slices of the batch (its shard), wherever the rows live:
 * <ol>
 *   <li>pass 1 (only when the objective has a contrastive part): each task runs the encoder forward,
 *       without gradients, over its shard in micro-batches; the driver gathers the B×d
 *       features (and DualCL's B×K×d label features);</li>
 *   <li>the driver computes the contrastive term over the whole batch, in float64, and its gradient with
 *       respect to every feature;</li>
 *   <li>pass 2: each task runs forward again with the same per-row dropout seeds (so the same masks), except
 *       for pass 1's last {@code keptMicroBatches} micro-batches, whose activations its executor kept; adds its
 *       local cross-entropy part (normalised by B so the shards add up) to the received feature gradients and
 *       runs backward; it also brings back the next step's rows that live in its partition;
 *       each task leaves its parameter gradient (the word embeddings' as touched rows, {@link RowSparseGradient})
 *       in its executor's block manager ({@link BroadcastBlocks}) and the driver sums them in partition order.</li>
 * </ol>
 * Tasks are pure functions of (parameters, step, rows): Spark retries are safe (kept activations only spare a
 * recompute). Memory on an executor is one micro-batch of activations per task (and up to {@code keptMicroBatches}
 * kept per partition between the passes) plus one gradient-sized array per task, whatever B.
 */
public final class GradientCachingStep {
    /** Runs of pass 2 before a step fails for gradient blocks lost with their executors. */
    private static final int MAX_PASS2_ATTEMPTS = 3;

    private final JavaSparkContext jsc;
    private final JavaRDD<TrainingRow> rows;
    private final ModelSpec spec;
    private final int[] labelsByIndex;
    private final FaultInjection faults;
    private final BatchRows batchRows;

    /** @param labelsByIndex label of every training row by global row index (the contrastive term needs them) */
    public GradientCachingStep(JavaSparkContext jsc, JavaRDD<TrainingRow> rows, ModelSpec spec, int[] labelsByIndex,
                               FaultInjection faults) {
        this.jsc = jsc;
        this.rows = rows;
        this.spec = spec;
        this.labelsByIndex = labelsByIndex;
        this.faults = faults;
        this.batchRows = new BatchRows(rows);
    }

    /**
     * Everything a task of one training step needs besides the parameters (broadcast once per pass). The trainer
     * gives the first ten ({@link #of}); the step adds the batch's rows and, for pass 2, the feature gradients.
     *
     * @param batchIndices     global row indices of the step's batch, in batch order
     * @param nextBatchIndices the next step's, when it reads the same rows (pass 2 brings them along); else null
     * @param keptMicroBatches a shard's last micro-batches whose pass-1 activations stay for pass 2
     * @param rows             the batch's rows in batch order ({@link BatchRows})
     * @param shards           tasks of a pass: task p takes the p-th of {@code shards} equal slices of the batch
     * @param gradZ            pass 2 only: d(contrastive part)/d(pooled feature), row-major [B,d]; null for CE-only
     * @param gradTheta        pass 2, DualCL only: d(contrastive part)/d(label features), row-major [B,K,d]
     */
    public record StepContext(long step, long seed, long[] batchIndices, long[] nextBatchIndices, int microBatch,
                              int keptMicroBatches, int padId, ObjectiveConfig objective, int hidden, int numLabels,
                              TrainingRow[] rows, int shards, float[] gradZ, float[] gradTheta)
            implements Serializable {

        public static StepContext of(long step, long seed, long[] batchIndices, long[] nextBatchIndices,
                                     int microBatch, int keptMicroBatches, int padId, ObjectiveConfig objective,
                                     int hidden, int numLabels) {
            return new StepContext(step, seed, batchIndices, nextBatchIndices, microBatch, keptMicroBatches, padId,
                    objective, hidden, numLabels, null, 0, null, null);
        }

        public int batchSize() {
            return batchIndices.length;
        }

        StepContext withRows(TrainingRow[] batchRows, int shardCount) {
            return new StepContext(step, seed, batchIndices, nextBatchIndices, microBatch, keptMicroBatches, padId,
                    objective, hidden, numLabels, batchRows, shardCount, gradZ, gradTheta);
        }

        StepContext withFeatureGradients(float[] gz, float[] gt) {
            return new StepContext(step, seed, batchIndices, nextBatchIndices, microBatch, keptMicroBatches, padId,
                    objective, hidden, numLabels, rows, shards, gz, gt);
        }

        /** Shard {@code shard}'s rows: batch positions [shard·B/shards, (shard+1)·B/shards), in batch order. */
        List<Positioned> slice(int shard) {
            int from = (int) ((long) shard * rows.length / shards);
            int to = (int) ((long) (shard + 1) * rows.length / shards);
            List<Positioned> mine = new ArrayList<>(Math.max(0, to - from));
            for (int p = from; p < to; p++) {
                mine.add(new Positioned(p, rows[p]));
            }
            return mine;
        }

        /** Whether pass 1 keeps micro-batch {@code m} of {@code count} for pass 2 (the last ones: pass 2 starts there). */
        boolean keeps(int m, int count) {
            return m >= count - keptMicroBatches;
        }
    }

    /**
     * A pass-2 task's shard (its gradient sent in {@link #grad} or left as a block, {@link #stored}) or, on the
     * driver, the sum of the shards' figures. Mutable on purpose: {@link #add} sums into this object.
     */
    public static final class GradPartial implements Serializable {
        public RowSparseGradient grad;
        /** Where a task left {@link #grad} instead of sending it (then {@code grad} is null on the driver). */
        BroadcastBlocks.Stored stored;
        /** Sum of the shards' unweighted CE parts (each already divided by the global batch size). */
        public double ceLoss;
        public long rows;
        public long maxComputeNanos;
        public long sumComputeNanos;
        /** Slowest copy of new parameters into an executor's encoder (see {@link ExecutorModels}). */
        public long maxLoadNanos;
        /** Largest gradient a task sent (bytes of values). */
        public long maxPayloadBytes;
        /** All tasks' gradients (bytes of values): the step's gradient traffic to the driver. */
        public long sumPayloadBytes;
        /** Micro-batches whose pass-1 forward pass 2 reused instead of recomputing it. */
        public long keptForwards;
        /** Micro-batches whose forward pass 2 ran (again). */
        public long recomputedForwards;
        /** Rows of the next step's batch found in the task's partition (see {@link BatchRows}). */
        List<TrainingRow> nextRows = new ArrayList<>();
        /** Driver: time spent adding the shards' gradients into the dense gradient. */
        long sumNanos;

        public static GradPartial zero() {
            return new GradPartial();
        }

        /** Adds (or writes, {@code overwrite}) this shard's gradient, sent or stored, into {@code flat}. */
        void gradientInto(INDArray flat, boolean overwrite) {
            if (stored != null) {
                BroadcastBlocks.addGradientInto(stored, flat, overwrite);
            } else {
                grad.addInto(flat, overwrite);
            }
        }

        /** Adds the figures of {@code o} (not its gradient: see {@link #gradientInto}). */
        public GradPartial add(GradPartial o) {
            ceLoss += o.ceLoss;
            rows += o.rows;
            maxComputeNanos = Math.max(maxComputeNanos, o.maxComputeNanos);
            sumComputeNanos += o.sumComputeNanos;
            maxLoadNanos = Math.max(maxLoadNanos, o.maxLoadNanos);
            maxPayloadBytes = Math.max(maxPayloadBytes, o.maxPayloadBytes);
            sumPayloadBytes += o.sumPayloadBytes;
            keptForwards += o.keptForwards;
            recomputedForwards += o.recomputedForwards;
            nextRows.addAll(o.nextRows);
            return this;
        }
    }

    /**
     * Outcome of a step: summed gradient, loss parts (total weighted; ce, contrastive, lz, ltheta unweighted),
     * and the time split, all nanos: pass compute times are the slowest task's compute time measured inside the
     * task, pass wall times the driver's time for the whole Spark job (scheduling, the tasks, their results and,
     * for pass 2, the aggregation), load the slowest copy of new parameters into an executor's encoder.
     *
     * @param sumNanos     the driver's time adding the tasks' gradients into the dense gradient
     * @param gradBytes    the largest gradient one task sent to the aggregation (bytes of values)
     * @param gradBytesAllTasks the gradients of all the step's tasks (bytes of values)
     * @param keptForwards micro-batches whose pass-1 forward pass 2 reused
     * @param recomputedForwards micro-batches whose forward pass 2 ran
     * @param rowsFetched  whether the batch's rows took a job of their own (else they came with the previous step)
     */
    public record StepResult(long sumNanos, ObjectiveParts parts, long pass1ComputeNanos,
                             long pass2ComputeNanos, long driverLossNanos, long pass1WallNanos, long pass2WallNanos,
                             long loadNanos, long gradBytes, long gradBytesAllTasks, long keptForwards,
                             long recomputedForwards, boolean rowsFetched, long wallNanos) {
    }

    /**
     * Runs the step; {@code params} is the broadcast of the current flat parameters, {@code version} its id. The
     * batch's summed gradient is written into {@code gradOut} (a flat FLOAT array of the parameters' length).
     */
    public StepResult run(StepContext request, Broadcast<FlatParams> params, long version, INDArray gradOut) {
        long t0 = System.nanoTime();
        long fetchesBefore = batchRows.fetches();
        StepContext ctx = request.withRows(batchRows.of(request.step(), request.batchIndices()),
                rows.getNumPartitions());
        Objective objective = ctx.objective().objective();
        long pass1Nanos = 0;
        long pass1Wall = 0;
        long loadNanos = 0;
        long driverNanos = 0;
        ContrastivePart contrastive = new ContrastivePart(0, 0, 0, 0, null, null);
        StepContext pass2Ctx = ctx;
        if (ctx.objective().hasContrastive()) {
            jsc.setJobGroup("sparkcl-train", "step " + ctx.step() + " pass 1", false);
            Broadcast<StepContext> c1 = jsc.broadcast(ctx);
            List<FeatureBlock> blocks = rows.mapPartitions(new PartitionTask<>(spec, params, version,
                    new FeaturePass(c1, spec.head()))).collect();
            c1.unpersist(false);
            long td = System.nanoTime();
            pass1Wall = td - t0;
            contrastive = globalContrastive(objective, blocks, ctx);
            pass2Ctx = ctx.withFeatureGradients(toFloat(contrastive.gradFeatures()),
                    contrastive.gradLabelFeatures() == null ? null : toFloat(contrastive.gradLabelFeatures()));
            driverNanos = System.nanoTime() - td;
            for (FeatureBlock b : blocks) {
                pass1Nanos = Math.max(pass1Nanos, b.computeNanos());
                loadNanos = Math.max(loadNanos, b.loadNanos());
            }
        }
        long t2 = System.nanoTime();
        GradPartial sum = gradientPass(pass2Ctx, params, version, gradOut);
        if (sum.rows != ctx.batchSize()) {
            throw new IllegalStateException("step " + ctx.step() + ": the batch has " + ctx.batchSize()
                    + " rows but the executors found " + sum.rows + " of them (are row indices unique?)");
        }
        ObjectiveParts parts = objective.parts(sum.ceLoss, contrastive);
        long end = System.nanoTime();
        return new StepResult(sum.sumNanos, parts, pass1Nanos, sum.maxComputeNanos, driverNanos, pass1Wall, end - t2,
                Math.max(loadNanos, sum.maxLoadNanos), sum.maxPayloadBytes, sum.sumPayloadBytes, sum.keptForwards,
                sum.recomputedForwards, fetchesBefore < batchRows.fetches(), end - t0);
    }

    /**
     * Pass 2 and the sum of its gradients, in partition order. A task leaves its gradient in its executor's block
     * manager ({@link BroadcastBlocks}) and returns a small handle; the driver reads the blocks and removes them
     * with the step's context. A block lost with its executor after its task finished makes the pass run again
     * (tasks are pure functions of the step: same result).
     */
    private GradPartial gradientPass(StepContext ctx, Broadcast<FlatParams> params, long version,
                                     INDArray gradOut) {
        for (int attempt = 1; ; attempt++) {
            jsc.setJobGroup("sparkcl-train", "step " + ctx.step() + " pass 2", false);
            Broadcast<StepContext> c2 = jsc.broadcast(ctx);
            try {
                List<GradPartial> shards = rows.mapPartitions(new PartitionTask<>(spec, params, version,
                        new GradientPass(c2, spec, faults))).collect();
                long ts = System.nanoTime();
                GradPartial sum = GradPartial.zero();
                for (GradPartial shard : shards) {
                    shard.gradientInto(gradOut, sum.rows == 0);
                    sum.add(shard);
                }
                sum.sumNanos = System.nanoTime() - ts;
                batchRows.prefetched(sum.nextRows);
                return sum;
            } catch (BroadcastBlocks.Lost e) {
                if (attempt == MAX_PASS2_ATTEMPTS) {
                    throw e;
                }
            } finally {
                BroadcastBlocks.release(c2);
            }
        }
    }

    /** The weighted contrastive part over the whole batch, from the gathered features put into batch order. */
    private ContrastivePart globalContrastive(Objective objective, List<FeatureBlock> blocks, StepContext ctx) {
        int b = ctx.batchSize();
        int d = ctx.hidden();
        int k = ctx.numLabels();
        boolean dual = spec.head().labelAwareInput();
        // float64: the contrastive term of a large batch is a sum of many exponentials
        double[] z = new double[b * d];
        double[] theta = dual ? new double[b * k * d] : null;
        int seen = 0;
        for (FeatureBlock blk : blocks) {
            for (int i = 0; i < blk.positions().length; i++) {
                int p = blk.positions()[i];
                for (int j = 0; j < d; j++) {
                    z[p * d + j] = blk.z()[i * d + j];
                }
                if (dual) {
                    for (int j = 0; j < k * d; j++) {
                        theta[p * k * d + j] = blk.theta()[i * k * d + j];
                    }
                }
                seen++;
            }
        }
        if (seen != b) {
            throw new IllegalStateException("step " + ctx.step() + ": gathered features of " + seen + " rows, expected " + b);
        }
        int[] y = new int[b];
        for (int i = 0; i < b; i++) {
            y[i] = labelsByIndex[(int) ctx.batchIndices()[i]];
        }
        return objective.contrastive(Nd4j.createFromArray(z).reshape(b, d),
                dual ? Nd4j.createFromArray(theta).reshape(b, k, d) : null, Nd4j.createFromArray(y));
    }

    public static float[] toFloat(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    // ------------------------------------------------------------------ executor side

    /** A row of the step's batch on an executor, with its position in the batch. */
    record Positioned(int position, TrainingRow row) implements Serializable {
    }

    /**
     * Pass-1 output of one partition: batch positions of its rows, their pooled features (row-major [n,d]) and,
     * for DualCL, label features ([n,K,d]); computeNanos is the time spent inside the task.
     */
    record FeatureBlock(int[] positions, float[] z, float[] theta, long computeNanos, long loadNanos)
            implements Serializable {
    }

    /** What both passes share: the partition's rows of the step's batch, in batch order, as micro-batches. */
    private abstract static class BatchPass<R> implements PartitionTask.Work<Positioned, R> {
        final Broadcast<StepContext> ctx;
        final ClassifierHead head;

        BatchPass(Broadcast<StepContext> ctx, ClassifierHead head) {
            this.ctx = ctx;
            this.head = head;
        }

        /** This task's equal slice of the batch (the rows came with the context, wherever they live). */
        @Override
        public List<Positioned> select(Iterator<TrainingRow> rows) {
            return ctx.value().slice(TaskContext.get().partitionId());
        }

        /** The micro-batch's rows padded, with the step's per-row dropout seeds. */
        EncoderBatch encode(List<Positioned> mb, StepContext c) {
            return RowBatches.encode(rowsOf(mb), c.padId(), head, c.seed(), c.step());
        }

        @Override
        public R compute(BertEncoderModel model, List<Positioned> selected) {
            throw new UnsupportedOperationException("a batch pass runs on a lease");
        }

        /**
         * Pass 1's last micro-batch forward stays on the executor for pass 2 of the same partition (which starts
         * with it): the encoder holds those activations anyway, and a shard of one micro-batch is then never
         * recomputed. Null outside a Spark task.
         */
        static ExecutorModels.ParkKey parkKey(long step, List<Positioned> mb) {
            TaskContext task = TaskContext.get();
            if (task == null) {
                return null;
            }
            int[] positions = new int[mb.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = mb.get(i).position();
            }
            return new ExecutorModels.ParkKey(step, task.partitionId(), positions);
        }
    }

    /**
     * Pass 1: forward without gradient, in micro-batches, with the step's dropout masks; the last
     * {@code keptMicroBatches} forwards stay parked on the executor for pass 2.
     */
    private static final class FeaturePass extends BatchPass<FeatureBlock> {
        FeaturePass(Broadcast<StepContext> ctx, ClassifierHead head) {
            super(ctx, head);
        }

        @Override
        public FeatureBlock compute(ExecutorModels.Lease lease, List<Positioned> mine) {
            long t0 = System.nanoTime();
            BertEncoderModel model = lease.model();
            StepContext c = ctx.value();
            int n = mine.size();
            int d = c.hidden();
            int k = c.numLabels();
            boolean dual = head.labelAwareInput();
            int[] positions = new int[n];
            float[] z = new float[n * d];
            float[] theta = dual ? new float[n * k * d] : null;
            int offset = 0;
            List<List<Positioned>> microBatches = RowBatches.split(mine, c.microBatch());
            for (int m = 0; m < microBatches.size(); m++) {
                List<Positioned> mb = microBatches.get(m);
                ForwardState s = lease.model().forward(encode(mb, c), true);
                float[] zf = toFloat(s.pooled());
                System.arraycopy(zf, 0, z, offset * d, zf.length);
                if (dual) {
                    float[] tf = toFloat(s.labelFeatures());
                    System.arraycopy(tf, 0, theta, offset * k * d, tf.length);
                }
                for (int i = 0; i < mb.size(); i++) {
                    positions[offset + i] = mb.get(i).position();
                }
                offset += mb.size();
                ExecutorModels.ParkKey key = c.keeps(m, microBatches.size()) ? parkKey(c.step(), mb) : null;
                if (key != null) {
                    lease.park(key, s);
                }
            }
            return new FeatureBlock(positions, z, theta, System.nanoTime() - t0, lease.loadNanos());
        }
    }

    /**
     * Pass 2: forward again (same dropout seeds, so the same masks), local CE part plus the received
     * contrastive feature gradients, backward; parameter gradients summed over the shard's micro-batches.
     */
    private static final class GradientPass extends BatchPass<GradPartial> {
        private final ModelSpec spec;
        private final FaultInjection faults;
        /** The next step's rows in this partition; per task (Spark deserialises a task's closure for each task). */
        private transient List<TrainingRow> nextRows;

        GradientPass(Broadcast<StepContext> ctx, ModelSpec spec, FaultInjection faults) {
            super(ctx, spec.head());
            this.spec = spec;
            this.faults = faults;
        }

        /** The slice, and the rows of the next step's batch that live in this partition. */
        @Override
        public List<Positioned> select(Iterator<TrainingRow> partition) {
            long[] next = ctx.value().nextBatchIndices();
            nextRows = new ArrayList<>();
            if (next != null) {
                Set<Long> wanted = new HashSet<>(next.length * 2);
                for (long i : next) {
                    wanted.add(i);
                }
                while (partition.hasNext()) {
                    TrainingRow r = partition.next();
                    if (wanted.contains(r.index())) {
                        nextRows.add(r);
                    }
                }
            }
            return super.select(partition);
        }

        /**
         * Micro-batches last to first, so the kept ones (pass 1's last, when this executor ran it) come first and
         * their encoders go back to the pool early; the word-embedding gradient goes out as the rows the shard's
         * tokens touched.
         */
        @Override
        public GradPartial compute(ExecutorModels.Lease lease, List<Positioned> mine) {
            long t0 = System.nanoTime();
            StepContext c = ctx.value();
            Objective objective = c.objective().objective();
            int d = c.hidden();
            int k = c.numLabels();
            INDArray gradFlat = Nd4j.zeros(DataType.FLOAT, spec.numParams());
            BitSet tokens = new BitSet(spec.config().vocabSize());
            long keptForwards = 0;
            long recomputedForwards = 0;
            double loss = 0;
            List<List<Positioned>> microBatches = RowBatches.split(mine, c.microBatch());
            for (int m = microBatches.size() - 1; m >= 0; m--) {
                List<Positioned> mb = microBatches.get(m);
                EncoderBatch batch = encode(mb, c);
                for (int[] ids : batch.inputIds()) {
                    for (int id : ids) {
                        tokens.set(id);
                    }
                }
                ExecutorModels.ParkKey key = c.keeps(m, microBatches.size()) ? parkKey(c.step(), mb) : null;
                ForwardState kept = key == null ? null : lease.takeParked(key);
                ForwardState s = kept != null ? kept : lease.model().forward(batch, true);
                keptForwards += kept != null ? 1 : 0;
                recomputedForwards += kept != null ? 0 : 1;
                // the objective reads what its method needs: logits (ce, scl) or z and θ (dualcl)
                CrossEntropyPart ce = objective.crossEntropy(s.logits(), s.pooled(), s.labelFeatures(),
                        Nd4j.createFromArray(RowBatches.labels(rowsOf(mb))), c.batchSize());
                INDArray gradZ = ce.gradFeatures();
                INDArray gradTheta = ce.gradLabelFeatures();
                if (c.gradZ() != null) {
                    INDArray received = rowsFrom(c.gradZ(), mb, d);
                    gradZ = gradZ == null ? received : gradZ.add(received);
                }
                if (c.gradTheta() != null) {
                    INDArray received = rowsFrom(c.gradTheta(), mb, k * d).reshape(mb.size(), k, d);
                    gradTheta = gradTheta == null ? received : gradTheta.add(received);
                }
                lease.model().backward(s, gradZ, ce.gradLogits(), gradTheta, gradFlat);
                loss += ce.unweighted();
            }
            GradPartial out = new GradPartial();
            out.grad = RowSparseGradient.of(gradFlat, spec.wordTable().offset(), spec.config().vocabSize(),
                    spec.config().hiddenSize(), tokens);
            out.ceLoss = loss;
            out.rows = mine.size();
            out.maxComputeNanos = System.nanoTime() - t0;
            out.sumComputeNanos = out.maxComputeNanos;
            out.maxLoadNanos = lease.loadNanos();
            out.maxPayloadBytes = out.grad.payloadBytes();
            out.sumPayloadBytes = out.maxPayloadBytes;
            out.keptForwards = keptForwards;
            out.recomputedForwards = recomputedForwards;
            out.nextRows = nextRows == null ? List.of() : nextRows;
            faults.afterShardGradient(c.step(), out);
            out.stored = BroadcastBlocks.storeGradient(ctx, out.grad);
            if (out.stored != null) {
                out.grad = null; // the driver reads it from the block
            }
            return out;
        }
    }

    static List<TrainingRow> rowsOf(List<Positioned> mb) {
        List<TrainingRow> rows = new ArrayList<>(mb.size());
        for (Positioned p : mb) {
            rows.add(p.row());
        }
        return rows;
    }

    /** Rows (by batch position) of a row-major [B,width] float array, as a FLOAT [n,width] array. */
    static INDArray rowsFrom(float[] all, List<Positioned> mb, int width) {
        float[] out = new float[mb.size() * width];
        for (int i = 0; i < mb.size(); i++) {
            System.arraycopy(all, mb.get(i).position() * width, out, i * width, width);
        }
        return Nd4j.createFromArray(out).reshape(mb.size(), width);
    }
}
