package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code out = LN(x1 + Dropout(GELU(x1 Wi^T + bi) Wo2^T + bo2))}, GELU(h) = h/2 (1 + erf(h/sqrt 2)) (HuggingFace's
 * BertIntermediate and BertOutput). The GELU's factor 1/2 is folded into the second GEMM's alpha.
 */
final class FeedForwardBlock {
    private final EncoderKernels k;
    private final BufferArena arena;
    private final BertConfig cfg;

    FeedForwardBlock(EncoderKernels kernels, BufferArena arena, BertConfig cfg) {
        this.k = kernels;
        this.arena = arena;
        this.cfg = cfg;
    }

    /** Forward from {@code la.x1} into {@code la.output}; the GELU derivative is computed only when {@code keepForBackward}. */
    void forward(INDArray flat, ParameterSlots.Layer w, Activations.Layer la, int layer, String prefix, int n, int t,
                 long[] seeds, double pHidden, boolean keepForBackward) {
        int nt = n * t;
        int d = cfg.hiddenSize();
        int inter = cfg.intermediateSize();
        la.h = arena.get("tmp.h", nt, inter);   // scratch: the backward needs only geluU and geluDeriv
        k.gemm(la.x1, w.intermediateWeight().in(flat), la.h, false, true, 1.0, 0.0);
        la.geluDeriv = keepForBackward ? arena.get(prefix + "geluDeriv", nt, inter) : null;
        la.geluU = arena.get(prefix + "geluU", nt, inter);
        k.biasGelu(la.h, w.intermediateBias().in(flat), la.geluDeriv, la.geluU);
        INDArray fo = arena.get("tmp.fo", nt, d);
        k.gemm(la.geluU, w.outputWeight().in(flat), fo, false, true, 0.5, 0.0);
        la.mask2 = null;
        if (pHidden > 0) {
            la.mask2 = DropoutMask.hidden(seeds, t, d, layer, DropoutMasks.SITE_FFN_OUT, pHidden);
        }
        la.xhat2 = keepForBackward ? arena.get(prefix + "xhat2", nt, d) : null;
        la.rstd2 = keepForBackward ? arena.get(prefix + "rstd2", nt) : null;
        k.layerNormForward(fo, w.outputBias().in(flat), la.mask2, la.x1, w.outputNorm().weight().in(flat),
                w.outputNorm().bias().in(flat), cfg.layerNormEps(), la.xhat2, la.rstd2, la.output);
    }

    /** From dOut = dLoss/d(layer output) (read only), writes dX1 = dLoss/d(x1) and adds the parameter gradients. */
    void backward(INDArray flat, INDArray grad, ParameterSlots.Layer w, Activations.Layer la, int n, int t,
                  INDArray dOut, INDArray dX1) {
        int nt = n * t;
        int d = cfg.hiddenSize();
        int inter = cfg.intermediateSize();
        // dX1 <- the residual branch's gradient; dFo <- the same through the dropout mask.
        INDArray dFo = arena.get("bw.dfo", nt, d);
        k.layerNormBackward(dOut, la.xhat2, la.rstd2, w.outputNorm().weight().in(flat), w.outputNorm().weight().in(grad),
                w.outputNorm().bias().in(grad), la.mask2, dX1, dFo, w.outputBias().in(grad));
        INDArray dGelu = arena.get("bw.dh", nt, inter);
        k.gemm(dFo, la.geluU, w.outputWeight().in(grad), true, false, 0.5, 1.0);
        k.gemm(dFo, w.outputWeight().in(flat), dGelu, false, false, 0.5, 0.0);
        k.geluBackward(la.geluDeriv, dGelu, w.intermediateBias().in(grad));
        k.gemm(dGelu, la.x1, w.intermediateWeight().in(grad), true, false, 1.0, 1.0);
        k.gemm(dGelu, w.intermediateWeight().in(flat), dX1, false, false, 1.0, 1.0);
    }
}
