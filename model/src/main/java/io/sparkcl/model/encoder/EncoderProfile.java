package io.sparkcl.model.encoder;

import java.util.EnumMap;
import java.util.Map;

/** Wall-clock time per phase of forward/backward, accumulated while attached to a model (for the benchmark). */
public final class EncoderProfile {
    /** Phases of a training step. */
    public enum Phase {
        EMBEDDINGS("embeddings (gather, LayerNorm, dropout)"),
        QKV_GEMM("fused Q/K/V projection GEMM"),
        HEAD_PERMUTE("split/merge heads (copies)"),
        ATTENTION_MATMUL("attention batched matmuls (QK^T, PV)"),
        SOFTMAX("mask + softmax"),
        DROPOUT("dropout masks and multiply"),
        ATTENTION_OUT_GEMM("attention output projection GEMM"),
        FFN_GEMM("FFN GEMMs (in, out)"),
        GELU("GELU (erf)"),
        LAYERNORM("LayerNorm (+ residual)"),
        POOLING_HEAD("pooling, linear head, label features"),
        BW_HEAD("backward: head and pooling"),
        BW_FFN_GEMM("backward: FFN GEMMs"),
        BW_GELU("backward: GELU"),
        BW_LAYERNORM("backward: LayerNorm"),
        BW_DROPOUT("backward: dropout"),
        BW_ATTENTION_OUT_GEMM("backward: attention output GEMM"),
        BW_ATTENTION_MATMUL("backward: attention batched matmuls"),
        BW_SOFTMAX("backward: softmax"),
        BW_HEAD_PERMUTE("backward: split/merge heads"),
        BW_QKV_GEMM("backward: Q/K/V GEMMs"),
        BW_BIAS("backward: bias gradients (head only; others fused)"),
        BW_EMBEDDINGS("backward: embeddings (LayerNorm, scatter-add)"),
        OPTIMIZER("optimizer (clipping + AdamW)");

        private final String description;

        Phase(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final long[] nanos = new long[Phase.values().length];

    /** Adds the time since {@code startNanos} to the phase and returns now. */
    public long add(Phase p, long startNanos) {
        long now = System.nanoTime();
        nanos[p.ordinal()] += now - startNanos;
        return now;
    }

    public void reset() {
        java.util.Arrays.fill(nanos, 0);
    }

    public Map<Phase, Long> nanos() {
        Map<Phase, Long> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            m.put(p, nanos[p.ordinal()]);
        }
        return m;
    }

    public long totalNanos() {
        long t = 0;
        for (long n : nanos) {
            t += n;
        }
        return t;
    }
}
