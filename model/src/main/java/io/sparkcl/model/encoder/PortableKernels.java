package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * The kernels from ND4J/libnd4j operations only (broadcasts, reductions, {@code erf}, {@code softmax},
 * {@code gather}, {@code unsorted_segment_sum}, {@code scatter_add}), which exist on the CPU and the CUDA backends:
 * no Java code reads or writes the arrays' memory. Any data type: in DOUBLE this is the float64 reference that the
 * finite-difference gradient checks run on. Slower than {@link FusedKernels} on the CPU (one native pass per
 * operation, and temporaries).
 */
final class PortableKernels implements EncoderKernels {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    @Override
    public String name() {
        return "portable";
    }

    private static INDArray indices(int[] ids) {
        return Nd4j.createFromArray(ids);
    }

    private static INDArray gather(INDArray table, int[] ids) {
        return Nd4j.exec(new Gather(table, indices(ids), 0))[0];
    }

    private static INDArray col(INDArray v) {
        return v.reshape(v.length(), 1);
    }

    @Override
    public void gatherSum(INDArray word, INDArray position, INDArray type, int[] ids, int[] posIds, int[] typeIds,
                          INDArray out) {
        out.assign(gather(word, ids)).addi(gather(position, posIds)).addi(gather(type, typeIds));
    }

    /**
     * Repeated ids are first summed per distinct id ({@code unsorted_segment_sum}; the id bookkeeping is on the host's
     * int arrays), so the {@code scatter_add} has distinct indices and is exact however it is parallelised.
     */
    @Override
    public void scatterAdd(INDArray table, int[] ids, INDArray src) {
        int[] distinct = Arrays.stream(ids).distinct().sorted().toArray();
        int[] segment = new int[ids.length];
        for (int j = 0; j < ids.length; j++) {
            segment[j] = Arrays.binarySearch(distinct, ids[j]);
        }
        INDArray sums = Nd4j.exec(new UnsortedSegmentSum(src, indices(segment), distinct.length))[0];
        Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(table, indices(distinct), sums).addOutputs(table)
                .build());
    }

    @Override
    public void gatherRows(INDArray src, int[] rows, INDArray dst) {
        dst.assign(Nd4j.pullRows(src, 1, rows));
    }

    @Override
    public void scatterRows(INDArray src, int[] rows, INDArray dst) {
        for (int i = 0; i < rows.length; i++) {
            dst.putRow(rows[i], src.getRow(i));
        }
    }

    @Override
    public void layerNormForward(INDArray a, INDArray bias, DropoutMask mask, INDArray residual, INDArray gamma,
                                 INDArray beta, double eps, INDArray xhat, INDArray rstd, INDArray out) {
        if (xhat == null) {
            xhat = Nd4j.create(a.dataType(), a.shape());
            rstd = Nd4j.create(a.dataType(), a.size(0));
        }
        xhat.assign(a);
        if (bias != null) {
            xhat.addiRowVector(bias);
        }
        if (mask != null) {
            xhat.muli(mask.materialise(xhat.dataType()));
        }
        if (residual != null) {
            xhat.addi(residual);
        }
        xhat.subiColumnVector(col(xhat.mean(1)));
        INDArray variance = xhat.mul(xhat).mean(1);
        rstd.assign(Transforms.sqrt(variance.addi(eps), false).rdivi(1.0));
        xhat.muliColumnVector(col(rstd));
        out.assign(xhat).muliRowVector(gamma).addiRowVector(beta);
    }

    @Override
    public void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dGamma,
                                  INDArray dBeta, DropoutMask mask, INDArray residualOut, INDArray dx, INDArray dBias) {
        dGamma.addi(dy.mul(xhat).sum(0));
        dBeta.addi(dy.sum(0));
        INDArray dxhat = dy.mulRowVector(gamma);
        INDArray m1 = dxhat.mean(1);
        INDArray m2 = dxhat.mul(xhat).mean(1);
        INDArray g = dxhat.subiColumnVector(col(m1)).subi(xhat.mulColumnVector(col(m2))).muliColumnVector(col(rstd));
        if (residualOut != null) {
            residualOut.assign(g);
        }
        dx.assign(g);
        if (mask != null) {
            dx.muli(mask.materialise(dx.dataType()));
        }
        if (dBias != null) {
            dBias.addi(dx.sum(0));
        }
    }

    @Override
    public void biasGelu(INDArray h, INDArray bias, INDArray deriv, INDArray geluU) {
        h.addiRowVector(bias);
        INDArray e = h.mul(1.0 / Math.sqrt(2.0));
        Nd4j.getExecutioner().exec(new Erf(e, e));
        e.addi(1.0);
        geluU.assign(h).muli(e);
        if (deriv != null) {
            INDArray gauss = Transforms.exp(h.mul(h).muli(-0.5), false);
            deriv.assign(gauss.muli(h).muli(SQRT_2_OVER_PI).addi(e));
        }
    }

    @Override
    public void geluBackward(INDArray deriv, INDArray dG, INDArray dBias) {
        dG.muli(deriv);
        dBias.addi(dG.sum(0));
    }

    @Override
    public void fillRows(INDArray row, INDArray out) {
        out.assign(0).addiRowVector(row);
    }

    /** The [n, T, parts, H, dh] token layout's part p as [n, H, T, dh] (a view). */
    private static INDArray part(INDArray tokens, int parts, int p, int n, int t, int h, int dh) {
        return tokens.reshape('c', n, t, parts, h, dh)
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(p), NDArrayIndex.all(), NDArrayIndex.all())
                .permute(0, 2, 1, 3);
    }

    /** Part p of the token rows as a new [n*H, T, dh] array, times scale. */
    private static INDArray heads(INDArray tokens, int parts, int p, int n, int t, int h, double scale) {
        int dh = (int) tokens.size(1) / (parts * h);
        return part(tokens, parts, p, n, t, h, dh).mul(scale).reshape('c', (long) n * h, t, dh);
    }

    /** Writes [n*H, T, dh] head arrays (times scale) into part p of the token rows. */
    private static void mergeHeads(INDArray heads, INDArray tokens, int parts, int p, int n, int t, int h,
                                   double scale) {
        int dh = (int) heads.size(2);
        part(tokens, parts, p, n, t, h, dh).assign(heads.reshape('c', n, h, t, dh).mul(scale));
    }

    /** Batched matmuls over the heads laid out as [n*H, T, dh] (queries pre-scaled). */
    @Override
    public void attentionForward(INDArray qkv, INDArray maskBias, int n, int t, int heads, double scale,
                                 INDArray probs, DropoutMask probsMask, INDArray context) {
        long nh = (long) n * heads;
        INDArray q = heads(qkv, 3, 0, n, t, heads, scale);
        INDArray k = heads(qkv, 3, 1, n, t, heads, 1.0);
        INDArray v = heads(qkv, 3, 2, n, t, heads, 1.0);
        INDArray scores = probs.reshape('c', nh, t, t);
        bmm(q, k, scores, false, true);
        INDArray s3 = probs.reshape('c', n, (long) heads * t, t);
        Nd4j.getExecutioner().exec(new BroadcastAddOp(s3, maskBias, s3, 0, 2));
        Nd4j.exec(new SoftMax(probs, probs, -1));
        INDArray used = probs;
        if (probsMask != null) {
            used = probs.mul(probsMask.materialise(probs.dataType()));
        }
        INDArray ctx = Nd4j.create(qkv.dataType(), nh, t, v.size(2));
        bmm(used.reshape('c', nh, t, t), v, ctx, false, false);
        mergeHeads(ctx, context, 1, 0, n, t, heads, 1.0);
    }

    @Override
    public void attentionBackward(INDArray qkv, INDArray probs, DropoutMask probsMask,
                                  INDArray dContext, int n, int t, int heads, double scale, INDArray dScores,
                                  INDArray dQkv, INDArray dQkvBias) {
        long nh = (long) n * heads;
        INDArray q = heads(qkv, 3, 0, n, t, heads, scale);
        INDArray k = heads(qkv, 3, 1, n, t, heads, 1.0);
        INDArray v = heads(qkv, 3, 2, n, t, heads, 1.0);
        INDArray dCtx = heads(dContext, 1, 0, n, t, heads, 1.0);
        INDArray mask = probsMask == null ? null : probsMask.materialise(probs.dataType());
        INDArray used = (mask == null ? probs : probs.mul(mask)).reshape('c', nh, t, t);
        INDArray dv = Nd4j.create(qkv.dataType(), v.shape());
        bmm(used, dCtx, dv, true, false);
        INDArray dP = dScores.reshape('c', nh, t, t);
        bmm(dCtx, v, dP, false, true);
        // softmax backward: dS = P * (g - sum_k P g), g = dP * mask
        INDArray g = dScores;
        if (mask != null) {
            g.muli(mask);
        }
        INDArray dot = g.mul(probs).sum(1);
        g.subiColumnVector(col(dot)).muli(probs);
        INDArray dq = Nd4j.create(qkv.dataType(), q.shape());
        INDArray dk = Nd4j.create(qkv.dataType(), k.shape());
        bmm(dP, k, dq, false, false);    // w.r.t. the scaled queries
        bmm(dP, q, dk, true, false);     // q is already scaled
        mergeHeads(dq, dQkv, 3, 0, n, t, heads, scale);
        mergeHeads(dk, dQkv, 3, 1, n, t, heads, 1.0);
        mergeHeads(dv, dQkv, 3, 2, n, t, heads, 1.0);
        dQkvBias.addi(dQkv.sum(0));
    }
}
