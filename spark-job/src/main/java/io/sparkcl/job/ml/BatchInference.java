package io.sparkcl.job.ml;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.RowPredictor;
import io.sparkcl.job.train.exec.ExecutorModels;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Inference with a fine-tuned model on the executors, shared by {@code sparkcl predict} and
 * {@link SparkCLModel#transform}: the parameters are broadcast once, each executor thread keeps its encoder
 * ({@link ExecutorModels}, keyed by this object's version) and scores rows in batches of {@code batch}
 * ({@link RowPredictor#scores}, the code {@code evaluate} and training evaluation use).
 */
public final class BatchInference implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final Broadcast<float[]> params;
    private final long version;
    private final boolean dualCl;
    private final int padId;
    private final int batch;

    private BatchInference(ModelSpec spec, Broadcast<float[]> params, long version, boolean dualCl, int padId,
                           int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("inference batch must be positive, got " + batch);
        }
        this.spec = spec;
        this.params = params;
        this.version = version;
        this.dualCl = dualCl;
        this.padId = padId;
        this.batch = batch;
    }

    /** Broadcasts the model's parameters (release them with {@link #release}). */
    public static BatchInference of(JavaSparkContext jsc, FineTunedModel model, int padId, int batch) {
        ModelSpec spec = new ModelSpec(model.config(), model.parameters().numLabels(),
                model.pooling().name().toLowerCase(Locale.ROOT));
        return new BatchInference(spec, jsc.broadcast(model.parameters().flat().dup().data().asFloat()),
                UUID.randomUUID().getMostSignificantBits(), model.head() == FineTunedModel.Head.DUALCL, padId, batch);
    }

    /** The same inference with another batch size (same broadcast, same cached encoders). */
    public BatchInference withBatch(int newBatch) {
        return new BatchInference(spec, params, version, dualCl, padId, newBatch);
    }

    /** Executor side: probabilities and pooled features of {@code rows}. */
    public List<RowPredictor.Scored> scores(List<TrainingRow> rows) {
        return RowPredictor.scores(ExecutorModels.get(spec, version, params.value()), rows, dualCl, padId, batch);
    }

    public boolean dualCl() {
        return dualCl;
    }

    /** Removes the broadcast parameters from the executors. */
    public void release() {
        params.unpersist(false);
    }
}
