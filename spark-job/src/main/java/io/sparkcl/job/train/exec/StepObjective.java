package io.sparkcl.job.train.exec;

import io.sparkcl.losses.ContrastivePart;
import io.sparkcl.losses.CrossEntropyPart;
import io.sparkcl.losses.Method;
import io.sparkcl.losses.Objective;
import io.sparkcl.losses.ObjectiveParts;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * The losses module's {@link Objective} split the way exact global-batch mode uses it: the global
 * contrastive part over the whole batch's features (driver) and the local cross-entropy part per shard
 * (executors, normalised by the global batch size B so the shards' parts add up). Serializable recipe;
 * the {@link Objective} itself is rebuilt where it is used.
 */
public final class StepObjective implements Serializable {
    private final String method;
    private final double lambda;
    private final double tau;
    private transient Objective objective;

    public StepObjective(String method, double lambda, double tau) {
        this.method = method;
        this.lambda = lambda;
        this.tau = tau;
        objective();
    }

    public Objective objective() {
        if (objective == null) {
            objective = new Objective(Method.parse(method), lambda, tau);
        }
        return objective;
    }

    public boolean isDualCl() {
        return objective().needsLabelFeatures();
    }

    /** Whether a first pass gathering features is needed (ce, or λ = 0, need none). */
    public boolean hasContrastive() {
        return objective().contrastiveWeight() != 0;
    }

    /** Weighted contrastive part over the global batch; theta is null except for DualCL. */
    public ContrastivePart contrastive(INDArray z, INDArray theta, int[] labels) {
        return objective().contrastive(z, theta, labelArray(labels));
    }

    /** Weighted local CE part of some rows of the batch, normalised by the global batch size. */
    public CrossEntropyPart localCrossEntropy(INDArray logits, INDArray z, INDArray theta, int[] labels,
                                              double normalizer) {
        return objective().crossEntropy(logits, z, theta, labelArray(labels), normalizer);
    }

    /** Reported parts from the summed unweighted shard CE and the global contrastive part (null = none). */
    public ObjectiveParts parts(double ceSum, ContrastivePart contrastive) {
        return objective().parts(ceSum, contrastive == null ? new ContrastivePart(0, 0, 0, 0, null, null) : contrastive);
    }

    static INDArray labelArray(int[] labels) {
        return Nd4j.createFromArray(labels);
    }
}
