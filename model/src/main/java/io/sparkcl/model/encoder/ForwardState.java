package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of {@link BertEncoderModel#forward}: the outputs (own arrays, valid forever) and, for training, the saved
 * activations that {@link BertEncoderModel#backward} needs. The activations live in buffers the model reuses, so a
 * state can be back-propagated only until the next {@code forward} call on the same model.
 */
public final class ForwardState {
    final BertEncoderModel model;
    final EncoderBatch batch;
    final boolean training;
    final long generation;
    final INDArray pooled;
    final INDArray logits;
    final INDArray labelFeatures;
    final Activations acts;

    ForwardState(BertEncoderModel model, EncoderBatch batch, boolean training, long generation, INDArray pooled,
                 INDArray logits, INDArray labelFeatures, Activations acts) {
        this.model = model;
        this.batch = batch;
        this.training = training;
        this.generation = generation;
        this.pooled = pooled;
        this.logits = logits;
        this.labelFeatures = labelFeatures;
        this.acts = acts;
    }

    /** Pooled features [n, d] (CLS or masked mean). */
    public INDArray pooled() {
        return pooled;
    }

    /** Linear head over the pooled features [n, K]; null when the model has no head (numLabels 0). */
    public INDArray logits() {
        return logits;
    }

    /** DualCL label features [n, K, d]; null when the batch has no label positions. */
    public INDArray labelFeatures() {
        return labelFeatures;
    }

    /**
     * A copy of the final hidden states [n, T, d] (what HuggingFace calls {@code last_hidden_state}); only before the
     * next forward call on the same model.
     */
    public INDArray lastHiddenState() {
        model.checkCurrent(this);
        int n = batch.size();
        int t = batch.seqLength();
        return acts.finalHidden.dup().reshape(n, t, model.config().hiddenSize());
    }

    public EncoderBatch batch() {
        return batch;
    }

    public boolean training() {
        return training;
    }
}
