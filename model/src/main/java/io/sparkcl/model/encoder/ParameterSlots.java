package io.sparkcl.model.encoder;

import io.sparkcl.model.encoder.BertParameters.Slot;

/**
 * Where every tensor of the encoder lives in the flat parameter layout, resolved once per model (llm.c's
 * {@code ParameterTensors}): the blocks take their slots from here and never look a tensor up by name. A slot's
 * {@link Slot#in} gives the tensor's view in the parameters or in a gradient of the same layout.
 */
record ParameterSlots(Embeddings embeddings, Layer[] layers, Head head) {

    record LayerNorm(Slot weight, Slot bias) {
    }

    record Embeddings(Slot word, Slot position, Slot tokenType, LayerNorm norm) {
    }

    /**
     * One transformer layer. {@code qkvWeight} [3d, d] and {@code qkvBias} [3d] span the query, key and value tensors,
     * which are back to back in the layout, so the three projections are one GEMM.
     */
    record Layer(Slot qkvWeight, Slot qkvBias, Slot attentionOutWeight, Slot attentionOutBias, LayerNorm attentionNorm,
                 Slot intermediateWeight, Slot intermediateBias, Slot outputWeight, Slot outputBias,
                 LayerNorm outputNorm) {
    }

    /** The linear classifier; null slots when the model has no head. */
    record Head(Slot weight, Slot bias) {
    }

    static ParameterSlots of(BertParameters p) {
        BertConfig c = p.config();
        long d = c.hiddenSize();
        Embeddings emb = new Embeddings(p.slot(BertParameters.WORD_EMBEDDINGS), p.slot(BertParameters.POSITION_EMBEDDINGS),
                p.slot(BertParameters.TOKEN_TYPE_EMBEDDINGS), norm(p, "embeddings.LayerNorm"));
        Layer[] layers = new Layer[c.numHiddenLayers()];
        for (int l = 0; l < layers.length; l++) {
            String n = "encoder.layer." + l + ".";
            Slot q = p.slot(n + "attention.self.query.weight");
            Slot qb = p.slot(n + "attention.self.query.bias");
            checkBackToBack(p, q, n + "attention.self.key.weight", n + "attention.self.value.weight");
            checkBackToBack(p, qb, n + "attention.self.key.bias", n + "attention.self.value.bias");
            layers[l] = new Layer(
                    new Slot(n + "attention.self.qkv.weight", q.offset(), new long[]{3 * d, d}),
                    new Slot(n + "attention.self.qkv.bias", qb.offset(), new long[]{3 * d}),
                    p.slot(n + "attention.output.dense.weight"), p.slot(n + "attention.output.dense.bias"),
                    norm(p, n + "attention.output.LayerNorm"),
                    p.slot(n + "intermediate.dense.weight"), p.slot(n + "intermediate.dense.bias"),
                    p.slot(n + "output.dense.weight"), p.slot(n + "output.dense.bias"),
                    norm(p, n + "output.LayerNorm"));
        }
        Head head = p.numLabels() == 0 ? new Head(null, null)
                : new Head(p.slot(BertParameters.CLASSIFIER_WEIGHT), p.slot(BertParameters.CLASSIFIER_BIAS));
        return new ParameterSlots(emb, layers, head);
    }

    private static LayerNorm norm(BertParameters p, String prefix) {
        return new LayerNorm(p.slot(prefix + ".weight"), p.slot(prefix + ".bias"));
    }

    /** The fused Q/K/V GEMM relies on the layout putting query, key and value next to each other. */
    private static void checkBackToBack(BertParameters p, Slot query, String key, String value) {
        long len = query.length();
        if (p.slot(key).offset() != query.offset() + len || p.slot(value).offset() != query.offset() + 2 * len) {
            throw new IllegalStateException("query, key and value tensors are not contiguous in the layout: " + key);
        }
    }
}
