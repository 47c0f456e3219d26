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
        INDArray dCtx = arena.get("bw.dctx", (long) n * t, cfg.hiddenSize());
        outputBackward(flat, grad, w, la, dX1, dX, dCtx);
        coreBackward(flat, grad, w, la, n, t, dCtx, dX);
    }

    /**
     * {@link #backward} when dX1 is zero outside {@code rows}: the LayerNorm and output projection (row-local) run on
     * those rows only ({@code laRows}, {@code dX1Rows} [r, d]: {@link RowSubset}); attention mixes rows, so from
     * there on it is the whole backward. Writes dX for every row.
     */
    void backwardFromRows(INDArray flat, INDArray grad, ParameterSlots.Layer w, Activations.Layer la,
                          Activations.Layer laRows, RowSubset rows, int n, int t, INDArray dX1Rows, INDArray dX) {
        int d = cfg.hiddenSize();
        INDArray dXRows = arena.get("rows.dx", rows.size(), d);
        INDArray dCtxRows = arena.get("rows.dctx", rows.size(), d);
        outputBackward(flat, grad, w, laRows, dX1Rows, dXRows, dCtxRows);
        INDArray dCtx = arena.get("bw.dctx", (long) n * t, d);
        dCtx.assign(0.0);
        rows.scatter(dCtxRows, dCtx);
        dX.assign(0.0);
        rows.scatter(dXRows, dX);
        coreBackward(flat, grad, w, la, n, t, dCtx, dX);
    }

    /**
     * The LayerNorm and the attention output projection, on the rows of dX1: writes dX (its residual branch) and
     * dCtx = dLoss/d(context), and adds their parameter gradients.
     */
    private void outputBackward(INDArray flat, INDArray grad, ParameterSlots.Layer w, Activations.Layer la,
                                INDArray dX1, INDArray dX, INDArray dCtx) {
        // dX <- the residual branch's gradient; dAo <- the same through the dropout mask.
        INDArray dAo = arena.get("bw.dao", dX1.size(0), cfg.hiddenSize());
        k.layerNormBackward(dX1, la.xhat1, la.rstd1, w.attentionNorm().weight().in(flat),
                w.attentionNorm().weight().in(grad), w.attentionNorm().bias().in(grad), la.mask1, dX, dAo,
                w.attentionOutBias().in(grad));
        k.gemm(dAo, la.context, w.attentionOutWeight().in(grad), true, false, 1.0, 1.0);
        k.gemm(dAo, w.attentionOutWeight().in(flat), dCtx, false, false, 1.0, 0.0);
    }

    /** Attention and the Q/K/V projection from dCtx: adds into dX (beta = 1) and the parameter gradients. */
    private void coreBackward(INDArray flat, INDArray grad, ParameterSlots.Layer w, Activations.Layer la, int n,
                              int t, INDArray dCtx, INDArray dX) {
        int nt = n * t;
        int d = cfg.hiddenSize();
        int heads = cfg.numAttentionHeads();
        long nh = (long) n * heads;
        INDArray dQkv = arena.get("bw.dqkv", nt, 3L * d);
        k.attentionBackward(la.qkv, la.probs, la.probsMask, dCtx, n, t, heads, 1.0 / Math.sqrt(cfg.headSize()),
                arena.get("bw.dp", nh * t, t), dQkv, w.qkvBias().in(grad));
        k.gemm(dQkv, la.input, w.qkvWeight().in(grad), true, false, 1.0, 1.0);
        k.gemm(dQkv, w.qkvWeight().in(flat), dX, false, false, 1.0, 1.0);
    }
}
