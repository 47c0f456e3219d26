package io.sparkcl.job.train.exec;

import java.io.Serializable;

/**
 * Pass-1 output of one partition: batch positions of its rows, their pooled features (row-major [n,d]) and,
 * for DualCL, label features ([n,K,d]); computeNanos is the time spent inside the task.
 */
public record FeatureBlock(int[] positions, float[] z, float[] theta, long computeNanos) implements Serializable {
}
