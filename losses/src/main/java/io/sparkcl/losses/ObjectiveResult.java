package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The whole objective on one batch ({@link Objective#compute}): the parts and the gradients of
 * {@code parts().total()}. A gradient is null where the objective does not depend on that input
 * (features for ce, logits for dualcl, label features for ce and scl).
 */
public record ObjectiveResult(ObjectiveParts parts, INDArray gradFeatures, INDArray gradLogits,
                              INDArray gradLabelFeatures) {}
