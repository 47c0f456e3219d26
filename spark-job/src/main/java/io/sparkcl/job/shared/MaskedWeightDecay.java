package io.sparkcl.job.shared;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.ArrayList;
import java.util.List;

/**
 * Decoupled weight decay (AdamW: {@code update += lr · coefficient · w}) on the encoder's weight matrices
 * only, not on biases and LayerNorm weights ({@link BertParameters#isDecayed}), as the exact trainer's
 * AdamW. DL4J's own WeightDecay cannot tell them apart: the encoder is one DL4J parameter.
 */
public final class MaskedWeightDecay implements Regularization {
    private double coefficient;
    /** [start, end) pairs of the decayed tensors in the flat layout. */
    private long[] ranges;

    /** For Jackson. */
    private MaskedWeightDecay() {
    }

    public MaskedWeightDecay(double coefficient, BertConfig encoder, int numLabels) {
        this.coefficient = coefficient;
        List<Long> r = new ArrayList<>();
        for (BertParameters.Slot s : BertParameters.layout(encoder, numLabels).values()) {
            if (BertParameters.isDecayed(s.name())) {
                r.add(s.offset());
                r.add(s.offset() + s.length());
            }
        }
        this.ranges = r.stream().mapToLong(Long::longValue).toArray();
    }

    private MaskedWeightDecay(double coefficient, long[] ranges) {
        this.coefficient = coefficient;
        this.ranges = ranges.clone();
    }

    @Override
    public ApplyStep applyStep() {
        return ApplyStep.POST_UPDATER;
    }

    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        // both are contiguous [1, N] vectors: the reshaped arrays are views, so u.addi updates gradView
        INDArray w = param.reshape(param.length());
        INDArray u = gradView.reshape(gradView.length());
        for (int i = 0; i < ranges.length; i += 2) {
            INDArrayIndex slot = NDArrayIndex.interval(ranges[i], ranges[i + 1]);
            u.get(slot).addi(w.get(slot).mul(lr * coefficient));
        }
    }

    /** Decoupled decay adds nothing to the reported loss (as AdamW). */
    @Override
    public double score(INDArray param, int iteration, int epoch) {
        return 0;
    }

    @Override
    public Regularization clone() {
        return new MaskedWeightDecay(coefficient, ranges);
    }
}
