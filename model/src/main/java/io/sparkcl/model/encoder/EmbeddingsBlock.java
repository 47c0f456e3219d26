package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code x = Dropout(LN(word[ids] + position[posIds] + type[typeIds]))} (HuggingFace's BertEmbeddings). */
final class EmbeddingsBlock {
    private final EncoderKernels k;
    private final BufferArena arena;
    private final BertConfig cfg;
    private final ParameterSlots.Embeddings w;

    EmbeddingsBlock(EncoderKernels kernels, BufferArena arena, BertConfig cfg, ParameterSlots.Embeddings slots) {
        this.k = kernels;
        this.arena = arena;
        this.cfg = cfg;
        this.w = slots;
    }

    /** Writes the embeddings of {@code a}'s tokens into {@code out} [N, d]. */
    void forward(INDArray flat, Activations a, long[] seeds, double pHidden, INDArray out) {
        int nt = a.tokens();
        int d = cfg.hiddenSize();
        INDArray sum = arena.get("tmp.embSum", nt, d);
        k.gatherSum(w.word().in(flat), w.position().in(flat), w.tokenType().in(flat), a.ids, a.positionIds, a.typeIds,
                sum);
        a.embXhat = a.stored ? arena.get("emb.xhat", nt, d) : null;
        a.embRstd = a.stored ? arena.get("emb.rstd", nt) : null;
        k.layerNormForward(sum, null, null, null, w.norm().weight().in(flat), w.norm().bias().in(flat),
                cfg.layerNormEps(), a.embXhat, a.embRstd, out);
        a.embMask = null;
        if (pHidden > 0) {
            a.embMask = DropoutMask.hidden(seeds, a.t, d, -1, DropoutMasks.SITE_EMBEDDINGS, pHidden);
            k.dropout(out, a.embMask);
        }
    }

    /** Back-propagates dX [N, d] (consumed) into the three tables' and the LayerNorm's gradients. */
    void backward(INDArray flat, INDArray grad, Activations a, INDArray dX, boolean freezeWordEmbeddings) {
        if (a.embMask != null) {
            k.dropout(dX, a.embMask);
        }
        INDArray dSum = arena.get("bw.embSum", a.tokens(), cfg.hiddenSize());
        k.layerNormBackward(dX, a.embXhat, a.embRstd, w.norm().weight().in(flat), w.norm().weight().in(grad),
                w.norm().bias().in(grad), null, null, dSum, null);
        if (!freezeWordEmbeddings) {
            k.scatterAdd(w.word().in(grad), a.ids, dSum);
        }
        k.scatterAdd(w.position().in(grad), a.positionIds, dSum);
        k.scatterAdd(w.tokenType().in(grad), a.typeIds, dSum);
    }
}
