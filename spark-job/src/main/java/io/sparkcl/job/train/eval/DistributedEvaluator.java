package io.sparkcl.job.train.eval;

import io.sparkcl.job.train.exec.FlatParams;
import io.sparkcl.job.train.data.RowBatches;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.exec.PartitionTask;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.ForwardState;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Inference on the executors: class probabilities of rows (no dropout, in micro-batches, scored by the
 * model's {@link ClassifierHead}), and evaluation as per-partition confusion matrices the driver sums.
 */
public final class DistributedEvaluator {
    private DistributedEvaluator() {
    }

    /** The confusion matrix of {@code rows}; each scored micro-batch is added to {@code rowsScored} (progress). */
    public static ConfusionMatrix confusion(JavaRDD<TrainingRow> rows, ModelSpec spec, Broadcast<FlatParams> params,
                                            long version, int padId, int microBatch, LongAccumulator rowsScored) {
        return rows.mapPartitions(new PartitionTask<>(spec, params, version,
                        new Confusion(spec, padId, microBatch, rowsScored)))
                .treeAggregate(new ConfusionMatrix(spec.numLabels()), ConfusionMatrix::merge, ConfusionMatrix::merge, 2);
    }

    /** Class probabilities and pooled feature (the sentence feature z) of one row. */
    public record Scored(float[] probabilities, float[] pooled) implements Serializable {
    }

    /** Class probabilities of {@code rows}, in their order. */
    public static List<float[]> probabilities(BertEncoderModel model, List<TrainingRow> rows, ClassifierHead head,
                                              int padId, int microBatch) {
        return scores(model, rows, head, padId, microBatch).stream().map(Scored::probabilities).toList();
    }

    /** Class probabilities (scored by {@code head}) and pooled features of {@code rows}, in their order. */
    public static List<Scored> scores(BertEncoderModel model, List<TrainingRow> rows, ClassifierHead head,
                                      int padId, int microBatch) {
        return scores(model, rows, head, padId, microBatch, n -> { });
    }

    /** As {@link #scores(BertEncoderModel, List, ClassifierHead, int, int)}, telling {@code scored} each micro-batch's size. */
    public static List<Scored> scores(BertEncoderModel model, List<TrainingRow> rows, ClassifierHead head,
                                      int padId, int microBatch, LongConsumer scored) {
        List<Scored> out = new ArrayList<>(rows.size());
        for (List<TrainingRow> mb : RowBatches.split(rows, microBatch)) {
            ForwardState state = model.forward(RowBatches.encode(mb, padId, head, 0, -1), false);
            float[][] p = head.probabilities(state);
            float[][] pooled = state.pooled().castTo(DataType.FLOAT).toFloatMatrix();
            for (int i = 0; i < p.length; i++) {
                out.add(new Scored(p[i], pooled[i]));
            }
            scored.accept(mb.size());
        }
        return out;
    }

    /**
     * Work over all of a partition's rows scored by the model's head (no dropout, in micro-batches): the
     * skeleton of evaluation and prediction tasks.
     */
    public abstract static class ScoredRows<R> implements PartitionTask.Work<TrainingRow, R> {
        protected final ModelSpec spec;
        private final int padId;
        private final int microBatch;
        private final LongAccumulator rowsScored;

        /** @param rowsScored counts the rows scored, per micro-batch (the driver's progress line) */
        protected ScoredRows(ModelSpec spec, int padId, int microBatch, LongAccumulator rowsScored) {
            this.spec = spec;
            this.padId = padId;
            this.microBatch = microBatch;
            this.rowsScored = rowsScored;
        }

        @Override
        public List<TrainingRow> select(Iterator<TrainingRow> rows) {
            List<TrainingRow> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            return all;
        }

        @Override
        public R compute(BertEncoderModel model, List<TrainingRow> rows) {
            return result(rows, scores(model, rows, spec.head(), padId, microBatch, rowsScored::add));
        }

        /** The task's result from its rows and their scores (same order). */
        protected abstract R result(List<TrainingRow> rows, List<Scored> scores);
    }

    private static final class Confusion extends ScoredRows<ConfusionMatrix> {
        Confusion(ModelSpec spec, int padId, int microBatch, LongAccumulator rowsScored) {
            super(spec, padId, microBatch, rowsScored);
        }

        @Override
        protected ConfusionMatrix result(List<TrainingRow> rows, List<Scored> scores) {
            ConfusionMatrix m = new ConfusionMatrix(spec.numLabels());
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).label() >= 0) {
                    m.add(rows.get(i).label(), ClassifierHead.argmax(scores.get(i).probabilities()));
                }
            }
            return m;
        }
    }
}
