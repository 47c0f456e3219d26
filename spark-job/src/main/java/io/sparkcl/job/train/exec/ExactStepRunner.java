package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.losses.ContrastivePart;
import io.sparkcl.losses.ObjectiveParts;
import io.sparkcl.model.encoder.BertEncoderModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Iterator;
import java.util.List;

/**
 * One exact global-batch step on Spark, with the driver as parameter server:
 * pass 1 gathers the B×d features (only when the objective has a contrastive part), the driver computes
 * the contrastive term over the whole batch, pass 2 runs forward+backward per shard with the received
 * feature gradients, and {@code treeAggregate} sums the parameter gradients.
 */
public final class ExactStepRunner {
    private final JavaSparkContext jsc;
    private final JavaRDD<TrainingRow> rows;
    private final ModelSpec spec;
    private final int[] labelsByIndex;
    private final long numParams;
    private final int treeDepth;

    public ExactStepRunner(JavaSparkContext jsc, JavaRDD<TrainingRow> rows, ModelSpec spec, int[] labelsByIndex,
                           long numParams) {
        this.jsc = jsc;
        this.rows = rows;
        this.spec = spec;
        this.labelsByIndex = labelsByIndex;
        this.numParams = numParams;
        this.treeDepth = rows.getNumPartitions() > 8 ? 3 : 2;
    }

    /** Runs the step; {@code params} is the broadcast of the current flat parameters, {@code version} its id. */
    public StepResult run(StepContext ctx, Broadcast<float[]> params, long version) {
        long t0 = System.nanoTime();
        String group = "step " + ctx.step();
        jsc.setJobGroup("sparkcl-train", group, false);
        long pass1Nanos = 0;
        long driverNanos = 0;
        ContrastivePart contrastive = null;
        StepContext pass2Ctx = ctx;
        if (ctx.objective().hasContrastive()) {
            Broadcast<StepContext> c1 = jsc.broadcast(ctx);
            List<FeatureBlock> blocks = rows.mapPartitions(new FeaturePass(spec, params, version, c1)).collect();
            c1.unpersist(false);
            long td = System.nanoTime();
            Features f = assemble(blocks, ctx);
            int[] y = new int[ctx.batchSize()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labelsByIndex[(int) ctx.batchIndices()[i]];
            }
            contrastive = ctx.objective().contrastive(f.z, f.theta, y);
            pass2Ctx = ctx.withFeatureGradients(toFloat(contrastive.gradFeatures()),
                    contrastive.gradLabelFeatures() == null ? null : toFloat(contrastive.gradLabelFeatures()));
            driverNanos = System.nanoTime() - td;
            for (FeatureBlock b : blocks) {
                pass1Nanos = Math.max(pass1Nanos, b.computeNanos());
            }
        }
        Broadcast<StepContext> c2 = jsc.broadcast(pass2Ctx);
        GradPartial sum = rows.mapPartitions(new GradientPass(spec, params, version, numParams, c2))
                .treeAggregate(GradPartial.zero(), GradPartial::add, GradPartial::add, treeDepth);
        c2.unpersist(false);
        if (sum.rows != ctx.batchSize()) {
            throw new IllegalStateException("step " + ctx.step() + ": the batch has " + ctx.batchSize()
                    + " rows but the executors found " + sum.rows + " of them (are row indices unique?)");
        }
        ObjectiveParts parts = ctx.objective().parts(sum.ceLoss, contrastive);
        return new StepResult(sum.grad, parts, pass1Nanos, sum.maxComputeNanos, driverNanos, System.nanoTime() - t0);
    }

    private record Features(INDArray z, INDArray theta) {
    }

    /** Puts the gathered per-partition features into batch order, as DOUBLE (the contrastive term is computed in float64). */
    private Features assemble(List<FeatureBlock> blocks, StepContext ctx) {
        int b = ctx.batchSize();
        int d = ctx.hidden();
        int k = ctx.numLabels();
        boolean dual = ctx.objective().isDualCl();
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
        return new Features(Nd4j.createFromArray(z).reshape(b, d),
                dual ? Nd4j.createFromArray(theta).reshape(b, k, d) : null);
    }

    public static float[] toFloat(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /**
     * Outcome of a step: summed gradient, loss parts (total weighted; ce, contrastive, lz, ltheta unweighted),
     * and the time split, all nanos; pass times are the slowest task's compute time measured inside the task.
     */
    public record StepResult(float[] grad, ObjectiveParts parts,
                             long pass1ComputeNanos, long pass2ComputeNanos, long driverLossNanos, long wallNanos) {
    }

    static final class FeaturePass implements FlatMapFunction<Iterator<TrainingRow>, FeatureBlock> {
        private final ModelSpec spec;
        private final Broadcast<float[]> params;
        private final long version;
        private final Broadcast<StepContext> ctx;

        FeaturePass(ModelSpec spec, Broadcast<float[]> params, long version, Broadcast<StepContext> ctx) {
            this.spec = spec;
            this.params = params;
            this.version = version;
            this.ctx = ctx;
        }

        @Override
        public Iterator<FeatureBlock> call(Iterator<TrainingRow> it) {
            StepContext c = ctx.value();
            List<ShardComputer.Positioned> mine = ShardComputer.select(it, c);
            if (mine.isEmpty()) {
                return java.util.Collections.emptyIterator();
            }
            BertEncoderModel model = ExecutorModels.get(spec, version, params.value());
            return List.of(ShardComputer.features(model, mine, c)).iterator();
        }
    }

    static final class GradientPass implements FlatMapFunction<Iterator<TrainingRow>, GradPartial> {
        private final ModelSpec spec;
        private final Broadcast<float[]> params;
        private final long version;
        private final long numParams;
        private final Broadcast<StepContext> ctx;

        GradientPass(ModelSpec spec, Broadcast<float[]> params, long version, long numParams, Broadcast<StepContext> ctx) {
            this.spec = spec;
            this.params = params;
            this.version = version;
            this.numParams = numParams;
            this.ctx = ctx;
        }

        @Override
        public Iterator<GradPartial> call(Iterator<TrainingRow> it) {
            StepContext c = ctx.value();
            List<ShardComputer.Positioned> mine = ShardComputer.select(it, c);
            if (mine.isEmpty()) {
                return java.util.Collections.emptyIterator();
            }
            BertEncoderModel model = ExecutorModels.get(spec, version, params.value());
            GradPartial g = ShardComputer.gradients(model, numParams, mine, c);
            org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
            if (c.failFirstAttempt() && task != null && task.partitionId() == 0 && task.attemptNumber() == 0) {
                throw new IllegalStateException("injected failure of a pass-2 task at step " + c.step()
                        + " (test hook): Spark retries it");
            }
            return List.of(g).iterator();
        }
    }
}
