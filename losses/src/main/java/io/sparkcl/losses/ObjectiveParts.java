package io.sparkcl.losses;

/**
 * The parts of an objective value, for logging and metrics.
 *
 * @param total       crossEntropyWeight·ce + contrastiveWeight·contrastive (what is minimised)
 * @param ce          unweighted mean cross-entropy (linear head for ce/scl; z_i·θ_i^k for dualcl)
 * @param contrastive unweighted contrastive term: L_scl for scl, L_z + L_θ for dualcl, 0 for ce
 * @param lz          unweighted L_z (dualcl only, else 0)
 * @param ltheta      unweighted L_θ (dualcl only, else 0)
 */
public record ObjectiveParts(double total, double ce, double contrastive, double lz, double ltheta) {}
