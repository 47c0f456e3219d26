package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.ForwardState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The two passes of an exact global-batch step over one shard of the batch. Pure functions of
 * (parameters, step context, rows): safe to retry. Memory is bounded by one micro-batch of activations
 * plus one gradient-sized array, whatever the global batch.
 */
public final class ShardComputer {
    private ShardComputer() {
    }

    /** The rows of {@code rows} that belong to the step's batch, sorted by batch position. */
    public static List<Positioned> select(Iterator<TrainingRow> rows, StepContext ctx) {
        Map<Long, Integer> positions = ctx.positions();
        List<Positioned> mine = new ArrayList<>();
        while (rows.hasNext()) {
            TrainingRow r = rows.next();
            Integer p = positions.get(r.index());
            if (p != null) {
                mine.add(new Positioned(p, r));
            }
        }
        mine.sort(Comparator.comparingInt(Positioned::position));
        return mine;
    }

    /** Pass 1: forward without gradient, in micro-batches, with the step's dropout masks. */
    public static FeatureBlock features(BertEncoderModel model, List<Positioned> mine, StepContext ctx) {
        long t0 = System.nanoTime();
        int n = mine.size();
        int d = ctx.hidden();
        int k = ctx.numLabels();
        boolean dual = ctx.objective().isDualCl();
        int[] positions = new int[n];
        float[] z = new float[n * d];
        float[] theta = dual ? new float[n * k * d] : null;
        int offset = 0;
        for (List<Positioned> mb : MicroBatches.split(mine, ctx.microBatch())) {
            ForwardState s = model.forward(batchOf(mb, ctx, dual), true);
            float[] zf = s.pooled().castTo(DataType.FLOAT).dup('c').data().asFloat();
            System.arraycopy(zf, 0, z, offset * d, zf.length);
            if (dual) {
                float[] tf = s.labelFeatures().castTo(DataType.FLOAT).dup('c').data().asFloat();
                System.arraycopy(tf, 0, theta, offset * k * d, tf.length);
            }
            for (int i = 0; i < mb.size(); i++) {
                positions[offset + i] = mb.get(i).position();
            }
            offset += mb.size();
        }
        return new FeatureBlock(positions, z, theta, System.nanoTime() - t0);
    }

    /**
     * Pass 2: forward again (same dropout seeds, so the same masks), local CE part plus the received
     * contrastive feature gradients, backward; parameter gradients summed over the shard's micro-batches.
     */
    public static GradPartial gradients(BertEncoderModel model, long numParams, List<Positioned> mine, StepContext ctx) {
        long t0 = System.nanoTime();
        GradPartial out = new GradPartial();
        if (mine.isEmpty()) {
            return out;
        }
        boolean dual = ctx.objective().isDualCl();
        int d = ctx.hidden();
        int k = ctx.numLabels();
        INDArray gradFlat = Nd4j.zeros(DataType.FLOAT, numParams);
        double loss = 0;
        for (List<Positioned> mb : MicroBatches.split(mine, ctx.microBatch())) {
            List<TrainingRow> rows = rowsOf(mb);
            ForwardState s = model.forward(batchOf(mb, ctx, dual), true);
            io.sparkcl.losses.CrossEntropyPart ce = ctx.objective().localCrossEntropy(
                    dual ? null : s.logits(), s.pooled(), dual ? s.labelFeatures() : null,
                    MicroBatches.labels(rows), ctx.batchSize());
            INDArray gradZ = ce.gradFeatures();
            INDArray gradTheta = ce.gradLabelFeatures();
            if (ctx.gradZ() != null) {
                INDArray received = rowsFrom(ctx.gradZ(), mb, d);
                gradZ = gradZ == null ? received : gradZ.add(received);
            }
            if (ctx.gradTheta() != null) {
                INDArray received = rowsFrom(ctx.gradTheta(), mb, k * d).reshape(mb.size(), k, d);
                gradTheta = gradTheta == null ? received : gradTheta.add(received);
            }
            model.backward(s, gradZ, ce.gradLogits(), gradTheta, gradFlat);
            loss += ce.unweighted();
        }
        out.grad = gradFlat.data().asFloat();
        out.ceLoss = ctx.injectNan() ? Double.NaN : loss;
        out.rows = mine.size();
        out.maxComputeNanos = System.nanoTime() - t0;
        out.sumComputeNanos = out.maxComputeNanos;
        return out;
    }

    static EncoderBatch batchOf(List<Positioned> mb, StepContext ctx, boolean dual) {
        return MicroBatches.encode(rowsOf(mb), ctx.padId(), ctx.seed(), ctx.step(), dual);
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

    public record Positioned(int position, TrainingRow row) implements java.io.Serializable {
    }
}
