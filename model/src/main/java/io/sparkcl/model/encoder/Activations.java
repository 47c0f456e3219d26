package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;

/** What one forward pass saves for its backward pass (views into the model's {@link BufferArena}). */
final class Activations {
    /** Saved activations of one transformer layer. */
    static final class Layer {
        INDArray input;      // [N, d] layer input (post-dropout output of the previous block)
        INDArray qkv;        // [N, 3d] queries, keys, values (bias included), heads side by side in each part
        INDArray probs;      // [n*H*T, T] softmax probabilities (before dropout)
        DropoutMask probsMask; // [n*H*T, T] dropout mask of the probabilities (hashed, not stored) or null
        INDArray context;    // [N, d] merged heads (input of the output projection)
        DropoutMask mask1;   // [N, d] dropout mask after the attention output projection or null
        INDArray xhat1;      // [N, d] normalised (pre-affine) attention LayerNorm input; null in inference
        INDArray rstd1;      // [N] 1/sqrt(var + eps); null in inference
        INDArray x1;         // [N, d] attention block output
        INDArray h;          // [N, I] intermediate GEMM output (scratch shared by the layers: not kept)
        INDArray geluDeriv;  // [N, I] d(geluU)/dx = 1 + erf(x/sqrt 2) + x sqrt(2/pi) exp(-x^2/2); null in inference
        INDArray geluU;      // [N, I] x * (1 + erf(x / sqrt 2)) = 2 * GELU(x), x = h + bias
        DropoutMask mask2;   // [N, d] dropout mask after the FFN output projection or null
        INDArray xhat2;      // [N, d]
        INDArray rstd2;      // [N]
        INDArray output;     // [N, d] layer output (input of the next layer)
    }

    /** Batch geometry and flattened inputs. */
    int n;
    int t;
    int[] ids;
    int[] positionIds;
    int[] typeIds;
    /** Whether the buffers below are kept for backward (false: inference, buffers shared across layers). */
    boolean stored;
    INDArray embXhat;     // [N, d]
    INDArray embRstd;     // [N]
    DropoutMask embMask;  // [N, d] or null
    Layer[] layers;
    INDArray finalHidden; // [N, d]
    INDArray poolMatrix;  // [n, 1, T] pooling weights
    INDArray labelMatrix; // [n, K, T] label-position averaging weights or null
    INDArray pooled;      // [n, d] (the state's own copy)
    int[] headRows;       // rows of finalHidden the pooling and label features read (sorted), or null: all rows

    int tokens() {
        return n * t;
    }
}
