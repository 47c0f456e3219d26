package io.sparkcl.job.train.eval;

import io.sparkcl.job.train.data.RowBatches;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.exec.PartitionTask;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.BertEncoderModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Inference on the executors: class probabilities of rows (no dropout, in micro-batches, scored by the
 * model's {@link ClassifierHead}), and evaluation as per-partition confusion matrices the driver sums.
 */
public final class DistributedEvaluator {
    private DistributedEvaluator() {
    }

    public static ConfusionMatrix confusion(JavaRDD<TrainingRow> rows, ModelSpec spec, Broadcast<float[]> params,
                                            long version, int padId, int microBatch) {
        return rows.mapPartitions(new PartitionTask<>(spec, params, version, new Confusion(spec, padId, microBatch)))
                .treeAggregate(new ConfusionMatrix(spec.numLabels()), ConfusionMatrix::merge, ConfusionMatrix::merge, 2);
    }

    /** Class probabilities of {@code rows}, in their order. */
    public static List<float[]> probabilities(BertEncoderModel model, List<TrainingRow> rows, ClassifierHead head,
                                              int padId, int microBatch) {
        List<float[]> out = new ArrayList<>(rows.size());
        for (List<TrainingRow> mb : RowBatches.split(rows, microBatch)) {
            float[][] p = head.probabilities(model.forward(RowBatches.encode(mb, padId, head, 0, -1), false));
            out.addAll(List.of(p));
        }
        return out;
    }

    /** A partition's rows, all of them: the work of evaluation and prediction tasks. */
    public abstract static class AllRows<R> implements PartitionTask.Work<TrainingRow, R> {
        @Override
        public List<TrainingRow> select(Iterator<TrainingRow> rows) {
            List<TrainingRow> all = new ArrayList<>();
            rows.forEachRemaining(all::add);
            return all;
        }
    }

    private static final class Confusion extends AllRows<ConfusionMatrix> {
        private final ModelSpec spec;
        private final int padId;
        private final int microBatch;

        Confusion(ModelSpec spec, int padId, int microBatch) {
            this.spec = spec;
            this.padId = padId;
            this.microBatch = microBatch;
        }

        @Override
        public ConfusionMatrix compute(BertEncoderModel model, List<TrainingRow> rows) {
            ConfusionMatrix m = new ConfusionMatrix(spec.numLabels());
            List<float[]> probs = probabilities(model, rows, spec.head(), padId, microBatch);
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).label() >= 0) {
                    m.add(rows.get(i).label(), ClassifierHead.argmax(probs.get(i)));
                }
            }
            return m;
        }
    }
}
