package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Result of {@link DualContrastiveLoss#compute}.
 *
 * @param value             L_z + L_θ
 * @param lz                L_z: anchors θ̂*_i against targets ẑ
 * @param ltheta            L_θ: anchors ẑ_i against targets θ̂*
 * @param gradCls           d(L_z+L_θ)/dz, [N,d]
 * @param gradLabelFeatures d(L_z+L_θ)/dθ, [N,K,d]; non-zero only at each row's own label k = y_i
 */
public record DualContrastiveResult(double value, double lz, double ltheta, INDArray gradCls,
                                    INDArray gradLabelFeatures) {}
