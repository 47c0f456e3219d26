package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The operations the encoder's blocks are built from (as llm.c's {@code layernorm_forward}, {@code gelu_backward},
 * ...). Two implementations give the same results: {@link FusedKernels}, single-pass Java loops over the native
 * buffers (FLOAT, ND4J's CPU backend, fastest there), and {@link PortableKernels}, ND4J/libnd4j operations only (any
 * data type and backend: CUDA, and the float64 reference of the gradient checks). Batched matmuls are common to
 * both, and so are the dropout masks' values ({@link DropoutMask}).
 *
 * <p>Parameters and gradients are passed as views of the flat arrays ({@link BertParameters.Slot#in}); a nullable
 * argument means "absent". Activation arrays are contiguous c-order arena buffers.
 */
interface EncoderKernels {

    /** Name shown in logs and the benchmark. */
    String name();

    /** c = alpha * op(a) * op(b) + beta * c (BLAS GEMM into a preallocated output). */
    default void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        Nd4j.gemm(a, b, c, ta, tb, alpha, beta);
    }

    /** Batched c[i] = op(a[i]) * op(b[i]) over the leading dimension. */
    default void bmm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
        Nd4j.matmul(a, b, c, ta, tb, false);
    }

    /** x *= mask, element-wise (inverted dropout, and its backward). */
    default void dropout(INDArray x, DropoutMask mask) {
        x.muli(mask.materialise(x.dataType()));
    }

    /** dst[i] = src[rows[i]] for every i (rows of 2-D arrays). */
    void gatherRows(INDArray src, int[] rows, INDArray dst);

    /** dst[rows[i]] = src[i] for every i; the other rows of dst are left as they are. */
    void scatterRows(INDArray src, int[] rows, INDArray dst);

    /** out[j] = word[ids[j]] + position[posIds[j]] + type[typeIds[j]]. */
    void gatherSum(INDArray word, INDArray position, INDArray type, int[] ids, int[] posIds, int[] typeIds,
                   INDArray out);

    /** table[ids[j]] += src[j] for every j (repeated ids accumulate). */
    void scatterAdd(INDArray table, int[] ids, INDArray src);

    /**
     * v = (a + bias) * mask + residual; xhat = (v - mean) * rstd, rstd = 1/sqrt(var + eps); out = xhat * gamma + beta
     * (row-wise over [N, d]; bias, mask, residual nullable). Saves xhat [N, d] and rstd [N] for the backward; both
     * null in inference (nothing saved).
     */
    void layerNormForward(INDArray a, INDArray bias, DropoutMask mask, INDArray residual, INDArray gamma, INDArray beta,
                          double eps, INDArray xhat, INDArray rstd, INDArray out);

    /**
     * LayerNorm backward: g = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * gamma;
     * dGamma += sum_rows(dy * xhat), dBeta += sum_rows(dy). {@code residualOut} (nullable) gets g, {@code dx} gets
     * g * mask (mask nullable), and {@code dBias} (nullable: the preceding dense layer's bias) += sum_rows(dx).
     */
    void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dGamma, INDArray dBeta,
                           DropoutMask mask, INDArray residualOut, INDArray dx, INDArray dBias);

    /**
     * With x = h + bias: geluU = x * (1 + erf(x / sqrt 2)) (= 2 GELU(x): the 1/2 goes into the next GEMM's alpha) and,
     * unless {@code deriv} is null (inference), deriv = d(geluU)/dx = 1 + erf(x/sqrt 2) + x sqrt(2/pi) exp(-x^2/2).
     * {@code h} is scratch: it may or may not be left holding x.
     */
    void biasGelu(INDArray h, INDArray bias, INDArray deriv, INDArray geluU);

    /** dG *= deriv (in place), dBias += sum_rows(dG). */
    void geluBackward(INDArray deriv, INDArray dG, INDArray dBias);

    /** out[i] = row for every row i of out [N, len(row)] (a bias, before a GEMM with beta = 1 adds the product). */
    void fillRows(INDArray row, INDArray out);

    /**
     * Self-attention of every (sample, head) from the fused rows {@code qkv} [n*T, 3d] = [Q | K | V] (bias included,
     * heads side by side in each part): {@code probs} [n*H*T, T] = softmax(scale * Q_h K_h^T + maskBias[sample])
     * (maskBias [n, T]); {@code context} [n*T, d] (heads side by side) = (probs_h * probsMask_h) V_h, or probs_h V_h
     * when {@code probsMask} is null. The dropped probabilities are not kept: the backward makes them again.
     */
    void attentionForward(INDArray qkv, INDArray maskBias, int n, int t, int heads, double scale, INDArray probs,
                          DropoutMask probsMask, INDArray context);

    /**
     * The backward of {@link #attentionForward} from dContext [n*T, d] (read only): writes dQkv [n*T, 3d] and adds its
     * column sums into {@code dQkvBias}. {@code dScores} [n*H*T, T] is scratch.
     */
    void attentionBackward(INDArray qkv, INDArray probs, DropoutMask probsMask, INDArray dContext,
                           int n, int t, int heads, double scale, INDArray dScores, INDArray dQkv, INDArray dQkvBias);
}
