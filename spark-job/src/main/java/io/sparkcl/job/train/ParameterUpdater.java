package io.sparkcl.job.train;

import io.sparkcl.job.config.OptimConfig;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.optim.AdamW;
import io.sparkcl.model.optim.GradientClipping;
import io.sparkcl.model.optim.LearningRateSchedule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The parameter server's update, on the driver: the one copy of the parameters and the one optimizer state.
 * Global-norm gradient clipping, then AdamW (no decay on biases and LayerNorm) at the learning rate of a
 * linear warm-up / linear decay schedule.
 */
public final class ParameterUpdater implements Checkpointable {
    private final INDArray params;
    private final AdamW adamw;
    private final LearningRateSchedule schedule;
    private final double maxGradNorm;

    public ParameterUpdater(ModelStart start, OptimConfig s, long totalSteps) {
        this(start, s, totalSteps, Nd4j.create(DataType.FLOAT, start.params().length));
    }

    /**
     * Keeps the parameters in {@code storage}, a flat FLOAT array of their length that a model in this JVM reads
     * (the one-process reference loop: its model sees every update without a copy).
     */
    ParameterUpdater(ModelStart start, OptimConfig s, long totalSteps, INDArray storage) {
        BertParameters layout = BertParameters.zeros(start.config(), start.numLabels(), DataType.FLOAT);
        INDArray decayMask = layout.weightDecayMask();
        if (start.params().length != decayMask.length() || storage.length() != decayMask.length()) {
            throw new IllegalArgumentException("initial parameters have " + start.params().length + " values and their"
                    + " storage " + storage.length() + ", the model needs " + decayMask.length());
        }
        this.params = storage.assign(Nd4j.createFromArray(start.params()));
        this.adamw = new AdamW(params.length(), DataType.FLOAT, 0.9, 0.999, 1e-8, s.weightDecay(), decayMask);
        if (s.freezeEmbeddings()) {
            long[] range = layout.wordEmbeddingRange();
            adamw.freezeRange(range[0], range[1]);
        }
        this.schedule = s.schedule(totalSteps);
        this.maxGradNorm = s.maxGradNorm();
    }

    /**
     * Clips and applies one flat gradient (summed over the global batch) as update number {@code step}.
     */
    public Update apply(long step, INDArray grad) {
        if (grad == null || grad.length() != params.length()) {
            throw new IllegalArgumentException("gradient of step " + step + " has "
                    + (grad == null ? "no" : String.valueOf(grad.length())) + " values, expected " + params.length());
        }
        double norm = GradientClipping.globalNorm(grad);
        if (!Double.isFinite(norm)) {
            throw new TrainingDivergedException(step, "gradient norm is " + norm);
        }
        double lr = schedule.at(step);
        adamw.step(params, grad, lr, GradientClipping.scaleFor(norm, maxGradNorm)); // clipping inside AdamW's pass
        return new Update(lr, norm);
    }

    /** A flat array of the parameters' length and type, to receive a gradient. */
    public INDArray newGradient() {
        return Nd4j.create(params.dataType(), params.length());
    }

    /** The parameters themselves, to be read (the broadcast copies them): updated in place by each {@link #apply}. */
    public INDArray current() {
        return params;
    }

    /** A copy of the current parameters. */
    @Override
    public float[] params() {
        return params.data().asFloat();
    }

    @Override
    public byte[] saveState() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            adamw.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restore(float[] newParams, byte[] optimizerState) {
        if (newParams.length != params.length()) {
            throw new IllegalArgumentException("checkpoint has " + newParams.length + " parameters, the model "
                    + params.length());
        }
        params.assign(Nd4j.createFromArray(newParams));
        try {
            adamw.readFrom(new ByteArrayInputStream(optimizerState), "checkpoint optimizer state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param gradNorm global gradient norm before clipping */
    public record Update(double learningRate, double gradNorm) {
    }
}
