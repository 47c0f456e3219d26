package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Result of {@link SupervisedContrastiveLoss#compute}.
 *
 * @param value        L_scl (0 when no anchor has a positive)
 * @param gradFeatures dL_scl/dz with respect to the unnormalised features, [N,d], input data type
 */
public record ContrastiveResult(double value, INDArray gradFeatures) {}
