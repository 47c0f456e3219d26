package io.sparkcl.model.encoder;

import java.io.Serializable;

/**
 * Sizes and options of a BERT-family encoder, named as in HuggingFace's {@code config.json}.
 *
 * <p>{@code positionOffset} is 0 for BERT and {@code padTokenId + 1} (= 2) for RoBERTa, whose position
 * ids start after the padding index. {@code typeVocabSize} is 1 for RoBERTa (token types are all 0).
 */
public record BertConfig(
        String architecture,        // "bert" or "roberta"
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        double hiddenDropout,
        double attentionDropout,
        int padTokenId,
        int positionOffset) implements Serializable {

    public BertConfig {
        if (hiddenSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0 || intermediateSize <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("BertConfig: sizes must be positive, got " + this);
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("BertConfig: hidden_size " + hiddenSize
                    + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
        if (hiddenDropout < 0 || hiddenDropout >= 1 || attentionDropout < 0 || attentionDropout >= 1) {
            throw new IllegalArgumentException("BertConfig: dropout must be in [0,1), got hidden=" + hiddenDropout
                    + " attention=" + attentionDropout);
        }
    }

    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    public BertConfig withDropout(double hidden, double attention) {
        return new BertConfig(architecture, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, hidden, attention, padTokenId, positionOffset);
    }

    /** all-MiniLM-L6-v2: 6 layers, 384 wide, 12 heads, BERT uncased vocabulary. */
    public static BertConfig miniLmL6() {
        return new BertConfig("bert", 30522, 384, 6, 12, 1536, 512, 2, 1e-12, 0.1, 0.1, 0, 0);
    }

    /**
     * A tiny BERT for tests and smoke runs (the {@code tiny-random} registry entry): 2 layers, width 32, 4 heads,
     * intermediate 64, the MiniLM/BERT-uncased vocabulary (30522), 128 positions, 2 token types.
     */
    public static BertConfig tinyRandom() {
        return new BertConfig("bert", 30522, 32, 2, 4, 64, 128, 2, 1e-12, 0.1, 0.1, 0, 0);
    }
}
