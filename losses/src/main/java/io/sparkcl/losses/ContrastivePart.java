package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contrastive term of an {@link Objective} over a global batch, already multiplied by
 * {@link Objective#contrastiveWeight()}.
 *
 * @param value             contrastiveWeight · unweighted
 * @param unweighted        L_scl (scl), L_z + L_θ (dualcl), 0 (ce)
 * @param lz                unweighted L_z (dualcl, else 0)
 * @param ltheta            unweighted L_θ (dualcl, else 0)
 * @param gradFeatures      d value / d features [N,d]; null for ce (no contrastive gradient)
 * @param gradLabelFeatures d value / d labelFeatures [N,K,d]; null unless dualcl
 */
public record ContrastivePart(double value, double unweighted, double lz, double ltheta, INDArray gradFeatures,
                              INDArray gradLabelFeatures) {}
