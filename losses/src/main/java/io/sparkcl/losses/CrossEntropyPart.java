package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The (local) cross-entropy term of an {@link Objective}, already multiplied by
 * {@link Objective#crossEntropyWeight()} and divided by the caller's normalizer.
 *
 * @param value             crossEntropyWeight · unweighted
 * @param unweighted        Σ_rows −log softmax[label] / normalizer
 * @param gradLogits        d value / d logits [n,K] (ce, scl); null for dualcl
 * @param gradFeatures      d value / d features [n,d] (dualcl: logits z_i·θ_i^k); null for ce, scl
 * @param gradLabelFeatures d value / d labelFeatures [n,K,d] (dualcl); null for ce, scl
 */
public record CrossEntropyPart(double value, double unweighted, INDArray gradLogits, INDArray gradFeatures,
                               INDArray gradLabelFeatures) {}
