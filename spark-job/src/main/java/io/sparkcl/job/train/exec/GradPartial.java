package io.sparkcl.job.train.exec;

import java.io.Serializable;

/**
 * A partial sum of parameter gradients (what treeAggregate adds up). Mutable on purpose: Spark's aggregate
 * lets seqOp/combOp add into their first argument, which avoids allocating a gradient-sized array per merge.
 * {@code grad == null} is the zero element.
 */
public final class GradPartial implements Serializable {
    public float[] grad;
    /** Sum of the shards' unweighted CE parts (each already divided by the global batch size). */
    public double ceLoss;
    public long rows;
    public long maxComputeNanos;
    public long sumComputeNanos;

    public static GradPartial zero() {
        return new GradPartial();
    }

    public GradPartial add(GradPartial o) {
        if (o.grad != null) {
            if (grad == null) {
                grad = o.grad.clone();
            } else {
                if (grad.length != o.grad.length) {
                    throw new IllegalStateException("gradient sizes differ: " + grad.length + " vs " + o.grad.length);
                }
                for (int i = 0; i < grad.length; i++) {
                    grad[i] += o.grad[i];
                }
            }
        }
        ceLoss += o.ceLoss;
        rows += o.rows;
        maxComputeNanos = Math.max(maxComputeNanos, o.maxComputeNanos);
        sumComputeNanos += o.sumComputeNanos;
        return this;
    }
}
