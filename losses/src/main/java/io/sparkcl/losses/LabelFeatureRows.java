package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;

/** Picks θ*_i = θ_i^{y_i} out of label features [N,K,d], and scatters a gradient back. */
final class LabelFeatureRows {
    private LabelFeatureRows() {}

    /** Row index of θ_i^{y_i} in the [N·K, d] view of the label features. */
    static int[] flatIndices(int[] labels, long numClasses) {
        int[] idx = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            idx[i] = Math.toIntExact(i * numClasses + labels[i]);
        }
        return idx;
    }

    static INDArray gather(INDArray labelFeatures, int[] labels) {
        long n = labelFeatures.size(0);
        long k = labelFeatures.size(1);
        long d = labelFeatures.size(2);
        INDArray flat = labelFeatures.reshape('c', new long[] {n * k, d});
        INDArray rows = Nd4j.pullRows(flat, 1, flatIndices(labels, k), 'c');
        if (flat.data() != labelFeatures.data()) {
            Release.close(flat); // a reshaping copy (input was not row-major); never the caller's buffer
        }
        return rows;
    }

    /** A [N,K,d] array that is zero except row (i, y_i) = grad_i. */
    static INDArray scatter(INDArray grad, int[] labels, long numClasses) {
        long n = grad.size(0);
        long d = grad.size(1);
        INDArray ids = Nd4j.createFromArray(flatIndices(labels, numClasses));
        INDArray out = Nd4j.exec(new UnsortedSegmentSum(grad, ids, Math.toIntExact(n * numClasses)))[0];
        return out.reshape('c', new long[] {n, numClasses, d});
    }
}
