package io.sparkcl.losses;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The supervised contrastive term over already-normalised anchors â [N,d] and targets t̂ [N,d]:
 *
 * <pre>
 *   L = (1/M) Σ_{i: P(i)≠∅} [ LSE_{a≠i}(â_i·t̂_a/τ) − (1/|P(i)|) Σ_{p∈P(i)} â_i·t̂_p/τ ]
 * </pre>
 *
 * with P(i) = {p ≠ i : y_p = y_i} and M the number of anchors with a positive. SCL uses â = t̂ = ẑ;
 * DualCL's L_z uses (â, t̂) = (θ̂*, ẑ) and L_θ uses (ẑ, θ̂*).
 *
 * <p>The positive term is linear in the similarities, so it is computed from per-class sums in
 * O(N·d) (Σ_{p∈P(i)} t̂_p = C_{y_i} − t̂_i with C_k = Σ_{y_p=k} t̂_p). Only the log-sum-exp term needs
 * the N×N similarities; it is computed for blocks of anchor rows at a time (an [b,N] buffer), so
 * memory is O(b·N + N·d). With S = â t̂ᵀ/τ and G_ia = (1/M)·softmax_{a≠i}(S_i·) for anchors with a
 * positive (0 otherwise), the LSE term contributes dL/dâ = G t̂/τ and dL/dt̂ = Gᵀ â/τ; the block
 * contributions to dL/dt̂ are summed, those to dL/dâ are disjoint rows, so blocking is exact up to
 * floating-point summation order.
 *
 * <p>Stability: each row is shifted by its maximum over a ≠ i before exp; the self-pair is set to
 * {@link #MASKED} (exp underflows to exactly 0). Arithmetic is in the inputs' data type (FLOAT inputs:
 * similarities, exp and row sums in float32; values are accumulated in double on the JVM side).
 */
final class BlockedContrastive {
    /** Logit given to the excluded self-pair; finite so that no ∞−∞ can appear. */
    static final double MASKED = -1e30;
    /** Default cap on the elements of the [b,N] similarity block: 2^25 (128 MiB float, 256 MiB double). */
    static final long DEFAULT_BLOCK_ELEMENTS = 1L << 25;

    final double value;
    final INDArray gradAnchors;
    final INDArray gradTargets;

    private BlockedContrastive(double value, INDArray gradAnchors, INDArray gradTargets) {
        this.value = value;
        this.gradAnchors = gradAnchors;
        this.gradTargets = gradTargets;
    }

    /** Rows per block: the configured value, or (when ≤ 0) as many as fit in the default element cap. */
    static int blockRows(int configured, long n) {
        if (configured > 0) {
            return (int) Math.min(configured, n);
        }
        return (int) Math.max(1, Math.min(n, DEFAULT_BLOCK_ELEMENTS / n));
    }

    static BlockedContrastive compute(INDArray anchors, INDArray targets, ClassLabels labels, double tau,
                                      int blockRowsSetting) {
        int n = labels.rows();
        long d = anchors.size(1);
        DataType dt = anchors.dataType();
        INDArray gradA = Nd4j.zeros(dt, n, d);
        INDArray gradT = Nd4j.zeros(dt, n, d);
        int m = labels.anchorsWithPositive();
        if (m == 0) {
            return new BlockedContrastive(0.0, gradA, gradT);
        }
        double[] weight = new double[n];
        for (int i = 0; i < n; i++) {
            weight[i] = labels.hasPositive(i) ? 1.0 / m : 0.0;
        }
        double lse = logSumExpTerm(anchors, targets, weight, tau, blockRows(blockRowsSetting, n), gradA, gradT);
        double positive = positiveTerm(anchors, targets, labels, m, tau, gradA, gradT);
        return new BlockedContrastive(lse - positive, gradA, gradT);
    }

    /** Σ_i w_i LSE_i; writes G t̂/τ into gradA and adds Gᵀ â/τ into gradT. */
    private static double logSumExpTerm(INDArray anchors, INDArray targets, double[] weight, double tau,
                                        int block, INDArray gradA, INDArray gradT) {
        int n = weight.length;
        DataType dt = anchors.dataType();
        INDArray buffer = Nd4j.create(dt, block, n);
        double total = 0;
        for (int r0 = 0; r0 < n; r0 += block) {
            int b = Math.min(block, n - r0);
            if (!anyPositive(weight, r0, b)) {
                continue;
            }
            INDArray rows = anchors.get(NDArrayIndex.interval(r0, r0 + b), NDArrayIndex.all());
            INDArray s = b == block ? buffer : buffer.get(NDArrayIndex.interval(0, b), NDArrayIndex.all());
            Nd4j.gemm(rows, targets, s, false, true, 1.0 / tau, 0.0);
            // Self-pairs (r, r0+r) lie on a strided diagonal of the row-major [b,n] block.
            Nd4j.create(s.data(), new long[] {b}, new long[] {n + 1L}, s.offset() + r0, 'c', dt).assign(MASKED);
            INDArray max = s.max(1).reshape(b, 1);
            s.subiColumnVector(max);
            Transforms.exp(s, false);
            INDArray sum = s.sum(1).reshape(b, 1);
            double[] maxV = max.toDoubleVector();
            double[] sumV = sum.toDoubleVector();
            double[] scale = new double[b];
            for (int i = 0; i < b; i++) {
                double w = weight[r0 + i];
                if (w != 0) {
                    total += w * (maxV[i] + Math.log(sumV[i]));
                    scale[i] = w / sumV[i];
                }
            }
            s.muliColumnVector(Nd4j.createFromArray(scale).castTo(dt).reshape(b, 1));
            INDArray gradRows = gradA.get(NDArrayIndex.interval(r0, r0 + b), NDArrayIndex.all());
            Nd4j.gemm(s, targets, gradRows, false, false, 1.0 / tau, 0.0);
            Nd4j.gemm(s, rows, gradT, true, false, 1.0 / tau, 1.0);
        }
        Release.close(buffer);
        return total;
    }

    private static boolean anyPositive(double[] weight, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (weight[i] != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Σ_i q_{y_i} â_i·(C_{y_i} − t̂_i)/τ with q_k = 1/(M(n_k−1)) for classes of size n_k ≥ 2, else 0,
     * C_k = Σ_{y_p=k} t̂_p and A_k = Σ_{y_i=k} â_i. Its gradient is subtracted:
     * dâ_i −= q(C_{y_i} − t̂_i)/τ, dt̂_p −= q(A_{y_p} − â_p)/τ.
     */
    private static double positiveTerm(INDArray anchors, INDArray targets, ClassLabels labels, int m, double tau,
                                       INDArray gradA, INDArray gradT) {
        int n = labels.rows();
        int k = labels.numClasses;
        DataType dt = anchors.dataType();
        double[] q = new double[k];
        for (int c = 0; c < k; c++) {
            q[c] = labels.classSizes[c] >= 2 ? 1.0 / ((double) m * (labels.classSizes[c] - 1)) : 0.0;
        }
        INDArray ids = Nd4j.createFromArray(labels.classIds);
        INDArray classSumT = Nd4j.exec(new UnsortedSegmentSum(targets, ids, k))[0];
        INDArray classSumA = anchors == targets ? classSumT : Nd4j.exec(new UnsortedSegmentSum(anchors, ids, k))[0];

        // Σ_k q_k A_k·C_k − Σ_i q_{y_i} â_i·t̂_i, accumulated in double.
        double[] classDots = classSumA.mul(classSumT).sum(1).toDoubleVector();
        INDArray products = anchors.mul(targets);
        double[] selfDots = products.sum(1).toDoubleVector();
        Release.close(products);
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += q[c] * classDots[c];
        }
        double[] rowQ = new double[n];
        for (int i = 0; i < n; i++) {
            rowQ[i] = q[labels.classIds[i]];
            sum -= rowQ[i] * selfDots[i];
        }
        INDArray scale = Nd4j.createFromArray(rowQ).castTo(dt).reshape(n, 1).divi(tau);
        INDArray othersT = Nd4j.pullRows(classSumT, 1, labels.classIds).subi(targets);
        gradA.subi(othersT.muliColumnVector(scale));
        Release.close(othersT);
        INDArray othersA = Nd4j.pullRows(classSumA, 1, labels.classIds).subi(anchors);
        gradT.subi(othersA.muliColumnVector(scale));
        Release.close(othersA);
        return sum / tau;
    }
}
