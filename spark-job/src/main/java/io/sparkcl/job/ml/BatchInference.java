package io.sparkcl.job.ml;

import io.sparkcl.job.train.exec.FlatParams;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.DistributedEvaluator;
import io.sparkcl.job.train.exec.ExecutorModels;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.exec.PartitionTask;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;

/**
 * Inference with a fine-tuned model on the executors, shared by {@code sparkcl predict} and
 * {@link SparkCLModel#transform}: the parameters are broadcast once, each executor thread keeps its encoder
 * ({@link ExecutorModels}, keyed by this object's version) and rows are scored in batches of {@code batch} by
 * the model's head ({@link DistributedEvaluator#scores}, the code {@code evaluate} and training evaluation use).
 */
public record BatchInference(ModelSpec spec, Broadcast<FlatParams> params, long version, int padId, int batch)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public BatchInference {
        if (batch <= 0) {
            throw new IllegalArgumentException("inference batch must be positive, got " + batch);
        }
    }

    /** Broadcasts the model's parameters (release them with {@link #release}). */
    public static BatchInference of(JavaSparkContext jsc, FineTunedModel model, int padId, int batch) {
        return new BatchInference(ModelSpec.of(model), jsc.broadcast(FlatParams.of(model.parameters().flat())),
                UUID.randomUUID().getMostSignificantBits(), padId, batch);
    }

    /** The same inference with another batch size (same broadcast, same cached encoders). */
    public BatchInference withBatch(int newBatch) {
        return new BatchInference(spec, params, version, padId, newBatch);
    }

    /** A partition task running {@code work} on this inference's broadcast model (predict's path). */
    public <R> PartitionTask<TrainingRow, R> task(DistributedEvaluator.ScoredRows<R> work) {
        return new PartitionTask<>(spec, params, version, work);
    }

    /** Executor side: probabilities and pooled features of {@code rows} (transform's path). */
    public List<DistributedEvaluator.Scored> scores(List<TrainingRow> rows) {
        try (ExecutorModels.Lease lease = ExecutorModels.lease(spec, version, params)) {
            return DistributedEvaluator.scores(lease.model(), rows, spec.head(), padId, batch);
        }
    }

    /** Removes the broadcast parameters from the executors. */
    public void release() {
        params.unpersist(false);
    }
}
