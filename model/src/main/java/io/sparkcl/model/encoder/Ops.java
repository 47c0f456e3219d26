package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Mean;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

/** Thin wrappers over ND4J's native ops that write into preallocated outputs (no temporaries). */
final class Ops {
    private Ops() {
    }

    /** z = x * y (element-wise). */
    static void mul(INDArray x, INDArray y, INDArray z) {
        Nd4j.getExecutioner().exec(new MulOp(x, y, z));
    }

    static void add(INDArray x, INDArray y, INDArray z) {
        Nd4j.getExecutioner().exec(new AddOp(x, y, z));
    }

    static void sub(INDArray x, INDArray y, INDArray z) {
        Nd4j.getExecutioner().exec(new SubOp(x, y, z));
    }

    /** z = x * s. */
    static void scale(INDArray x, double s, INDArray z) {
        Nd4j.getExecutioner().exec(new ScalarMultiplication(x, null, z, s));
    }

    /** z = x + s. */
    static void addScalar(INDArray x, double s, INDArray z) {
        Nd4j.getExecutioner().exec(new ScalarAdd(x, null, z, s));
    }

    static void erf(INDArray x, INDArray z) {
        Nd4j.getExecutioner().exec(new Erf(x, z));
    }

    static void exp(INDArray x, INDArray z) {
        Nd4j.getExecutioner().exec(new Exp(x, z));
    }

    /** z[N] = mean over columns of x[N, d]. */
    static void rowMean(INDArray x, INDArray z) {
        Nd4j.getExecutioner().exec(new Mean(x, z, 1));
    }

    static void rowSum(INDArray x, INDArray z) {
        Nd4j.getExecutioner().exec(new Sum(x, z, 1));
    }

    static void rowNorm2(INDArray x, INDArray z) {
        Nd4j.getExecutioner().exec(new Norm2(x, z, 1));
    }

    /** z[i, j] = x[i, j] op v[i] (v has one entry per row). */
    static void mulColumn(INDArray x, INDArray v, INDArray z) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(x, v, z, 0));
    }

    static void subColumn(INDArray x, INDArray v, INDArray z) {
        Nd4j.getExecutioner().exec(new BroadcastSubOp(x, v, z, 0));
    }

    /** z[i, j] = x[i, j] op v[j] (v has one entry per column). */
    static void mulRow(INDArray x, INDArray v, INDArray z) {
        Nd4j.getExecutioner().exec(new BroadcastMulOp(x, v, z, 1));
    }

    static void addRow(INDArray x, INDArray v, INDArray z) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(x, v, z, 1));
    }

    /** x[n, m, T] += v[n, T] (broadcast over the middle dimension), in place. */
    static void addMiddleBroadcast(INDArray x, INDArray v) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(x, v, x, 0, 2));
    }

    /** Softmax over the last dimension of a 2-D array, z may be x. */
    static void softmaxRows(INDArray x, INDArray z) {
        Nd4j.exec(new SoftMax(x, z, 1));
    }

    /** c = alpha * op(a) * op(b) + beta * c. */
    static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        Nd4j.gemm(a, b, c, ta, tb, alpha, beta);
    }

    /** Batched c[i] = op(a[i]) * op(b[i]) over the leading dimension. */
    static void bmm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
        Nd4j.matmul(a, b, c, ta, tb, false);
    }
}
