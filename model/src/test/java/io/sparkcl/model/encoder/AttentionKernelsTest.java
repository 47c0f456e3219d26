package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention kernels on the fused Q/K/V rows: the portable backward against float64 central finite differences
 * (the model-level checks are in {@link BertEncoderGradientTest}),
 * and the fused (per-block BLAS on views of the token rows) forward and backward against the portable ones in FLOAT,
 * with padded keys and with and without an attention dropout mask.
 */
class AttentionKernelsTest {
    private static final int N = 3;
    private static final int T = 5;
    private static final int HEADS = 2;
    private static final int DH = 4;
    private static final int D = HEADS * DH;
    private static final double SCALE = 1.0 / Math.sqrt(DH);

    /** Inputs of one attention call: rows, mask bias (sample 1 has two padded keys), dropout mask, dContext. */
    private record Case(INDArray qkv, INDArray maskBias, INDArray dropMask, INDArray dContext) {
        static Case random(long seed, boolean dropout, DataType type) {
            Random rnd = new Random(seed);
            INDArray qkv = gaussian(rnd, type, N * T, 3 * D);
            INDArray maskBias = Nd4j.zeros(type, N, T);
            maskBias.putScalar(1, T - 1, -1e9);
            maskBias.putScalar(1, T - 2, -1e9);
            INDArray mask = null;
            if (dropout) {
                mask = Nd4j.create(type, (long) N * HEADS * T, T);
                for (long i = 0; i < mask.length(); i++) {
                    mask.putScalar(i, rnd.nextDouble() < 0.2 ? 0.0 : 1.0 / 0.8);
                }
            }
            return new Case(qkv, maskBias, mask, gaussian(rnd, type, N * T, D));
        }

        Case as(DataType type) {
            return new Case(qkv.castTo(type), maskBias.castTo(type), dropMask == null ? null : dropMask.castTo(type),
                    dContext.castTo(type));
        }
    }

    private static INDArray gaussian(Random rnd, DataType type, long rows, long cols) {
        INDArray a = Nd4j.create(type, rows, cols);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, rnd.nextGaussian());
        }
        return a;
    }

    /** Forward and backward results of one kernel implementation. */
    private record Result(INDArray probs, INDArray context, INDArray dQkv, INDArray dBias) {
    }

    private static Result run(EncoderKernels k, Case c) {
        DataType type = c.qkv.dataType();
        long rows = (long) N * HEADS * T;
        INDArray probs = Nd4j.create(type, rows, T);
        INDArray context = Nd4j.create(type, N * T, D);
        DropoutMask mask = c.dropMask == null ? null : DropoutMask.stored(c.dropMask);
        k.attentionForward(c.qkv, c.maskBias, N, T, HEADS, SCALE, probs, mask, context);
        INDArray dQkv = Nd4j.create(type, N * T, 3 * D);
        INDArray dBias = Nd4j.zeros(type, 3 * D).addi(0.5); // accumulates
        k.attentionBackward(c.qkv, probs, mask, c.dContext, N, T, HEADS, SCALE,
                Nd4j.create(type, rows, T), dQkv, dBias);
        return new Result(probs, context, dQkv, dBias);
    }

    /** Loss = sum(context * dContext), so dLoss/dqkv is what the backward returns for this dContext. */
    private static double loss(Case c) {
        Result r = run(new PortableKernels(), c);
        return r.context.mul(c.dContext).sumNumber().doubleValue();
    }

    @Test
    void portableBackwardMatchesFiniteDifferences() {
        for (boolean dropout : new boolean[]{false, true}) {
            Case c = Case.random(11, dropout, DataType.DOUBLE);
            Result r = run(new PortableKernels(), c);
            assertTrue(Math.abs(r.dBias.getDouble(0) - 0.5 - r.dQkv.sum(0).getDouble(0)) < 1e-12,
                    "dBias adds the column sums");
            double h = 1e-6;
            double maxGrad = r.dQkv.amaxNumber().doubleValue();
            // every 7th coordinate: all rows, every part (Q, K, V) and head, padded and unpadded samples
            for (long i = 0; i < c.qkv.length(); i += 7) {
                double x = c.qkv.getDouble(i);
                c.qkv.putScalar(i, x + h);
                double up = loss(c);
                c.qkv.putScalar(i, x - h);
                double down = loss(c);
                c.qkv.putScalar(i, x);
                double fd = (up - down) / (2 * h);
                double an = r.dQkv.getDouble(i);
                assertTrue(Math.abs(fd - an) <= 1e-6 * maxGrad,
                        "dqkv[" + i + "] dropout=" + dropout + ": analytic " + an + " vs finite differences " + fd);
            }
        }
    }

    @Test
    void fusedMatchesPortableInFloat() {
        for (boolean dropout : new boolean[]{false, true}) {
            Case c = Case.random(29, dropout, DataType.DOUBLE).as(DataType.FLOAT);
            Result fused = run(new FusedKernels(), c);
            Result portable = run(new PortableKernels(), c);
            close(fused.probs, portable.probs, "probs", dropout);
            close(fused.context, portable.context, "context", dropout);
            close(fused.dQkv, portable.dQkv, "dQkv", dropout);
            close(fused.dBias, portable.dBias, "dBias", dropout);
            // padded keys get exactly zero probability
            for (int head = 0; head < HEADS; head++) {
                for (int row = 0; row < T; row++) {
                    long r = ((long) HEADS + head) * T + row;
                    assertTrue(fused.probs.getDouble(r, T - 1) == 0.0 && fused.probs.getDouble(r, T - 2) == 0.0,
                            "padded keys of sample 1");
                }
            }
        }
    }

    private static void close(INDArray a, INDArray b, String what, boolean dropout) {
        double scale = Math.max(1e-30, b.amaxNumber().doubleValue());
        double diff = a.sub(b).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-5 * scale, what + " dropout=" + dropout + ": max |fused - portable| " + diff
                + " vs max " + scale);
    }
}
