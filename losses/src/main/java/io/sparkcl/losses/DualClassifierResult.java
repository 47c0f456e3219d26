package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Result of {@link DualClassifierLoss#compute}.
 *
 * @param value             Σ_i −log softmax(z_i·θ_i^·)[y_i] / normalizer
 * @param logits            z_i·θ_i^k, [N,K]
 * @param gradCls           dvalue/dz, [N,d]
 * @param gradLabelFeatures dvalue/dθ, [N,K,d]
 */
public record DualClassifierResult(double value, INDArray logits, INDArray gradCls, INDArray gradLabelFeatures) {}
