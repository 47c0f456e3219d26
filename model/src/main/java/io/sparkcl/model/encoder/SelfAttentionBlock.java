package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code x1 = LN(x + Dropout(Attention(x) Wo^T + bo))}, {@code Attention = Dropout(softmax(Q K^T / sqrt(dh) +
 * maskBias)) V} with Q, K, V from one [N, d] x [d, 3d] GEMM (HuggingFace's BertAttention: BertSelfAttention and
 * BertSelfOutput). Attention runs per (sample, head) on the Q/K/V rows
 * ({@link EncoderKernels#attentionForward}).
 */
final class SelfAttentionBlock {
    private final EncoderKernels k;
    private final BufferArena arena;
    private final BertConfig cfg;

    SelfAttentionBlock(EncoderKernels kernels, BufferArena arena, BertConfig cfg) {
        this.k = kernels;
        this.arena = arena;
        this.cfg = cfg;
    }

    /**
     * Forward of layer {@code layer} from {@code la.input}; sets {@code la.x1}. Buffers are named with {@code prefix}
     * (per layer when kept for backward, shared in inference); the LayerNorm saves nothing unless
     * {@code keepForBackward}.
     */
    void forward(INDArray flat, ParameterSlots.Layer w, Activations.Layer la, int layer, String prefix, int n, int t,
                 INDArray maskBias, long[] seeds, double pAttn, double pHidden, boolean keepForBackward) {
        int nt = n * t;
        int d = cfg.hiddenSize();
        int heads = cfg.numAttentionHeads();
        int dh = cfg.headSize();
        long nh = (long) n * heads;
        // Q, K, V rows with their bias: the bias rows first, then the GEMM adds the product (beta = 1).
        la.qkv = arena.get(prefix + "qkv", nt, 3L * d);
        k.fillRows(w.qkvBias().in(flat), la.qkv);
        k.gemm(la.input, w.qkvWeight().in(flat), la.qkv, false, true, 1.0, 1.0);

        la.probs = arena.get(prefix + "probs", nh * t, t);
        la.probsMask = null;
        if (pAttn > 0) {
            la.probsMask = DropoutMask.attention(seeds, heads, t, layer, pAttn);
        }
        la.context = arena.get(prefix + "ctx", nt, d);
        k.attentionForward(la.qkv, maskBias, n, t, heads, 1.0 / Math.sqrt(dh), la.probs, la.probsMask,
                la.context);

        INDArray ao = arena.get("tmp.ao", nt, d);
        k.gemm(la.context, w.attentionOutWeight().in(flat), ao, false, true, 1.0, 0.0);
        la.mask1 = null;
        if (pHidden > 0) {
            la.mask1 = DropoutMask.hidden(seeds, t, d, layer, DropoutMasks.SITE_ATTENTION_OUT, pHidden);
        }
        la.xhat1 = keepForBackward ? arena.get(prefix + "xhat1", nt, d) : null;
        la.rstd1 = keepForBackward ? arena.get(prefix + "rstd1", nt) : null;
        la.x1 = arena.get(prefix + "x1", nt, d);
        k.layerNormForward(ao, w.attentionOutBias().in(flat), la.mask1, la.input, w.attentionNorm().weight().in(flat),
                w.attentionNorm().bias().in(flat), cfg.layerNormEps(), la.xhat1, la.rstd1, la.x1);
    }

    /** From dX1 = dLoss/d(x1) (read only), writes dX = dLoss/d(layer input) and adds the parameter gradients. */
    void backward(INDArray flat, INDArray grad, ParameterSlots.Layer w, Activations.Layer la, int n, int t,
                  INDArray dX1, INDArray dX) {
        int nt = n * t;
        int d = cfg.hiddenSize();
        int heads = cfg.numAttentionHeads();
        int dh = cfg.headSize();
        long nh = (long) n * heads;
        // dX <- the residual branch's gradient; dAo <- the same through the dropout mask.
        INDArray dAo = arena.get("bw.dao", nt, d);
        k.layerNormBackward(dX1, la.xhat1, la.rstd1, w.attentionNorm().weight().in(flat),
                w.attentionNorm().weight().in(grad), w.attentionNorm().bias().in(grad), la.mask1, dX, dAo,
                w.attentionOutBias().in(grad));
        INDArray dCtx = arena.get("bw.dctx", nt, d);
        k.gemm(dAo, la.context, w.attentionOutWeight().in(grad), true, false, 1.0, 1.0);
        k.gemm(dAo, w.attentionOutWeight().in(flat), dCtx, false, false, 1.0, 0.0);

        INDArray dQkv = arena.get("bw.dqkv", nt, 3L * d);
        k.attentionBackward(la.qkv, la.probs, la.probsMask, dCtx, n, t, heads, 1.0 / Math.sqrt(dh),
                arena.get("bw.dp", nh * t, t), dQkv, w.qkvBias().in(grad));
        k.gemm(dQkv, la.input, w.qkvWeight().in(grad), true, false, 1.0, 1.0);
        k.gemm(dQkv, w.qkvWeight().in(flat), dX, false, false, 1.0, 1.0);
    }
}
