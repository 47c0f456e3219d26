package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Result of {@link CrossEntropyLoss#compute}.
 *
 * @param value      Σ_i −log softmax(logits_i)[y_i] / normalizer
 * @param gradLogits (softmax − onehot)/normalizer, [N,K]
 */
public record CrossEntropyResult(double value, INDArray gradLogits) {}
