package io.sparkcl.job.train.eval;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.exec.ExecutorModels;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.model.encoder.BertEncoderModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Evaluation on the executors: each partition predicts its rows and builds a confusion matrix; the driver sums them. */
public final class DistributedEvaluator {
    private DistributedEvaluator() {
    }

    public static ConfusionMatrix confusion(JavaRDD<TrainingRow> rows, ModelSpec spec, Broadcast<float[]> params,
                                            long version, boolean dualCl, int padId, int microBatch) {
        int k = spec.numLabels();
        return rows.mapPartitions(new PartitionConfusion(spec, params, version, dualCl, padId, microBatch))
                .treeAggregate(new ConfusionMatrix(k), ConfusionMatrix::merge, ConfusionMatrix::merge, 2);
    }

    static final class PartitionConfusion implements FlatMapFunction<Iterator<TrainingRow>, ConfusionMatrix> {
        private final ModelSpec spec;
        private final Broadcast<float[]> params;
        private final long version;
        private final boolean dualCl;
        private final int padId;
        private final int microBatch;

        PartitionConfusion(ModelSpec spec, Broadcast<float[]> params, long version, boolean dualCl, int padId,
                           int microBatch) {
            this.spec = spec;
            this.params = params;
            this.version = version;
            this.dualCl = dualCl;
            this.padId = padId;
            this.microBatch = microBatch;
        }

        @Override
        public Iterator<ConfusionMatrix> call(Iterator<TrainingRow> it) {
            List<TrainingRow> rows = new ArrayList<>();
            it.forEachRemaining(rows::add);
            ConfusionMatrix m = new ConfusionMatrix(spec.numLabels());
            if (rows.isEmpty()) {
                return List.of(m).iterator();
            }
            BertEncoderModel model = ExecutorModels.get(spec, version, params.value());
            List<float[]> probs = RowPredictor.probabilities(model, rows, dualCl, padId, microBatch);
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).label() >= 0) {
                    m.add(rows.get(i).label(), RowPredictor.argmax(probs.get(i)));
                }
            }
            return List.of(m).iterator();
        }
    }
}
