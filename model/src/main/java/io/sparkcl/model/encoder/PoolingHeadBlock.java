package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code pooled = x[CLS]} or the masked mean of x, {@code logits = pooled Wc^T + bc} (linear head), and the DualCL
 * label features {@code labelFeatures[i, k] = mean of x_i at label k's positions}. Pooling and label features are
 * small batched matmuls with weight matrices over positions (built on the host from the batch).
 */
final class PoolingHeadBlock {
    private final EncoderKernels k;
    private final BufferArena arena;
    private final DataType dt;
    private final Pooling pooling;
    private final ParameterSlots.Head w;

    PoolingHeadBlock(EncoderKernels kernels, BufferArena arena, DataType dt, Pooling pooling, ParameterSlots.Head w) {
        this.k = kernels;
        this.arena = arena;
        this.dt = dt;
        this.pooling = pooling;
        this.w = w;
    }

    /** Outputs of the heads (own arrays). */
    record Outputs(INDArray pooled, INDArray logits, INDArray labelFeatures) {
    }

    Outputs forward(INDArray flat, Activations a, EncoderBatch batch, int d) {
        int n = a.n;
        INDArray hidden3 = a.finalHidden.reshape('c', n, a.t, d);
        a.poolMatrix = poolingMatrix(batch);
        INDArray pooled3 = Nd4j.create(dt, n, 1, d);
        k.bmm(a.poolMatrix, hidden3, pooled3, false, false);
        a.pooled = pooled3.reshape('c', n, d);
        INDArray logits = null;
        if (w.weight() != null) {
            logits = Nd4j.create(dt, n, w.weight().shape()[0]);
            k.gemm(a.pooled, w.weight().in(flat), logits, false, true, 1.0, 0.0);
            logits.addiRowVector(w.bias().in(flat));
        }
        INDArray labelFeatures = null;
        a.labelMatrix = null;
        if (batch.labelPositions() != null) {
            a.labelMatrix = labelMatrix(batch);
            labelFeatures = Nd4j.create(dt, n, batch.numLabelFeatures(), d);
            k.bmm(a.labelMatrix, hidden3, labelFeatures, false, false);
        }
        a.headRows = headRows(batch);
        return new Outputs(a.pooled, logits, labelFeatures);
    }

    /**
     * The rows of the final hidden states [n*T, d] that the pooling and the label features read, sorted: the only
     * rows whose gradient can be non-zero. Null for MEAN pooling (every real token) and whenever they are more than
     * half the rows, where running the last layer's backward on them would not pay.
     */
    private int[] headRows(EncoderBatch b) {
        if (pooling != Pooling.CLS) {
            return null;
        }
        int t = b.seqLength();
        java.util.TreeSet<Integer> rows = new java.util.TreeSet<>();
        for (int i = 0; i < b.size(); i++) {
            rows.add(i * t);
            if (b.labelPositions() != null) {
                for (int[] positions : b.labelPositions()[i]) {
                    for (int q : positions) {
                        rows.add(i * t + q);
                    }
                }
            }
        }
        if (2 * rows.size() > b.size() * t) {
            return null;
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Writes dX [N, d] = dLoss/d(final hidden states) from the output gradients (any may be null). */
    void backward(INDArray flat, INDArray grad, Activations a, INDArray gradPooled, INDArray gradLogits,
                  INDArray gradLabelFeatures, INDArray dX, int d) {
        int n = a.n;
        INDArray dPooled = arena.get("bw.dpooled", n, d);
        if (gradPooled != null) {
            dPooled.assign(gradPooled);
        } else {
            dPooled.assign(0.0);
        }
        if (gradLogits != null) {
            INDArray gl = gradLogits.dataType() == dt ? gradLogits : gradLogits.castTo(dt);
            k.gemm(gl, w.weight().in(flat), dPooled, false, false, 1.0, 1.0);
            k.gemm(gl, a.pooled, w.weight().in(grad), true, false, 1.0, 1.0);
            w.bias().in(grad).addi(gl.sum(0));
        }
        INDArray dX3 = dX.reshape('c', n, a.t, d);
        k.bmm(a.poolMatrix, dPooled.reshape('c', n, 1, d), dX3, true, false);
        if (gradLabelFeatures != null) {
            INDArray fromLabels = arena.get("bw.dxLabel", n, a.t, d);
            INDArray gf = gradLabelFeatures.dataType() == dt ? gradLabelFeatures : gradLabelFeatures.castTo(dt);
            k.bmm(a.labelMatrix, gf, fromLabels, true, false);
            dX3.addi(fromLabels);
        }
    }

    /** [n, 1, T] weights: CLS = one-hot at position 0, MEAN = mask / count. */
    private INDArray poolingMatrix(EncoderBatch b) {
        int n = b.size();
        int t = b.seqLength();
        double[] m = new double[n * t];
        for (int i = 0; i < n; i++) {
            if (pooling == Pooling.CLS) {
                m[i * t] = 1.0;
            } else {
                int count = 0;
                for (int j = 0; j < t; j++) {
                    count += b.attentionMask()[i][j];
                }
                if (count == 0) {
                    throw new IllegalArgumentException("EncoderBatch row " + i + " has no tokens (attention mask all 0)");
                }
                for (int j = 0; j < t; j++) {
                    m[i * t + j] = b.attentionMask()[i][j] / (double) count;
                }
            }
        }
        return Nd4j.createFromArray(m).castTo(dt).reshape(n, 1, t);
    }

    /** [n, K, T] weights: 1/|positions of label k| at each of its positions. */
    private INDArray labelMatrix(EncoderBatch b) {
        int n = b.size();
        int t = b.seqLength();
        int labels = b.numLabelFeatures();
        double[] m = new double[n * labels * t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < labels; j++) {
                int[] pos = b.labelPositions()[i][j];
                for (int q : pos) {
                    m[(i * labels + j) * t + q] += 1.0 / pos.length;
                }
            }
        }
        return Nd4j.createFromArray(m).castTo(dt).reshape(n, labels, t);
    }
}
