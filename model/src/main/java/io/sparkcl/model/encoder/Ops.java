package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
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

    /** z = x * s. */
    static void scale(INDArray x, double s, INDArray z) {
        Nd4j.getExecutioner().exec(new ScalarMultiplication(x, null, z, s));
    }

    static void erf(INDArray x, INDArray z) {
        Nd4j.getExecutioner().exec(new Erf(x, z));
    }

    /** z[i, j] = x[i, j] + v[j] (v has one entry per column). */
    static void addRow(INDArray x, INDArray v, INDArray z) {
        Nd4j.getExecutioner().exec(new BroadcastAddOp(x, v, z, 1));
    }

    /** c = alpha * op(a) * op(b) + beta * c (BLAS). */
    static void gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb, double alpha, double beta) {
        Nd4j.gemm(a, b, c, ta, tb, alpha, beta);
    }

    /** Batched c[i] = op(a[i]) * op(b[i]) over the leading dimension. */
    static void bmm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
        Nd4j.matmul(a, b, c, ta, tb, false);
    }
}
