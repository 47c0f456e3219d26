package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BERT/RoBERTa encoder (post-LayerNorm, as HuggingFace's modeling_bert.py) with a linear head and the DualCL label
 * feature head; forward and hand-written backward with eager ND4J ops. Not thread-safe: use one instance per thread
 * (instances are cheap; they share the parameters).
 */
public final class BertEncoderModel {
    private final BertParameters params;
    private final Pooling pooling;
    private boolean freezeWordEmbeddings;
    private long generation;

    public BertEncoderModel(BertParameters params, Pooling pooling) {
        this.params = params;
        this.pooling = pooling;
    }

    public ForwardState forward(EncoderBatch batch, boolean training) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Back-propagates the given output gradients (any may be null) and ADDS the parameter gradients into
     * {@code gradFlat} (same layout and dtype as {@code parameters().flat()}).
     */
    public void backward(ForwardState state, INDArray gradPooled, INDArray gradLogits, INDArray gradLabelFeatures,
                         INDArray gradFlat) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** When true, backward leaves the word-embedding gradient rows untouched (zero if gradFlat was zeroed). */
    public void freezeWordEmbeddings(boolean freeze) {
        this.freezeWordEmbeddings = freeze;
    }

    public boolean wordEmbeddingsFrozen() {
        return freezeWordEmbeddings;
    }

    public BertParameters parameters() {
        return params;
    }

    public BertConfig config() {
        return params.config();
    }

    public Pooling pooling() {
        return pooling;
    }

    void checkCurrent(ForwardState s) {
        if (s.model != this || s.generation != generation) {
            throw new IllegalStateException("This ForwardState is stale: a later forward() on the same model reused its buffers");
        }
    }
}
