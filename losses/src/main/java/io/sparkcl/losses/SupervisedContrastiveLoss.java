package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Supervised contrastive loss (Gunel et al. 2021; SupCon's L_out) over unnormalised features z [N,d]:
 *
 * <pre>
 *   ẑ = z/‖z‖,  P(i) = {p ≠ i : y_p = y_i},  A(i) = {a ≠ i}
 *   L_scl = mean over anchors with P(i) ≠ ∅ of
 *           −(1/|P(i)|) Σ_{p∈P(i)} log( exp(ẑ_i·ẑ_p/τ) / Σ_{a∈A(i)} exp(ẑ_i·ẑ_a/τ) )
 * </pre>
 *
 * Value 0 and zero gradient when no anchor has a positive. Anchors are processed in blocks of rows
 * (see {@link #SupervisedContrastiveLoss(double, int)}); the result does not depend on the block size
 * beyond floating-point summation order. Thread-safe (no mutable state).
 */
public final class SupervisedContrastiveLoss {
    private final double temperature;
    private final int blockRows;

    /** Temperature τ > 0; block size chosen automatically (≤ 2^25 similarity elements per block). */
    public SupervisedContrastiveLoss(double temperature) {
        this(temperature, 0);
    }

    /**
     * @param temperature τ > 0
     * @param blockRows   anchors per block; ≤ 0 = automatic ({@code max(1, 2^25 / N)} rows)
     */
    public SupervisedContrastiveLoss(double temperature, int blockRows) {
        this.temperature = Checks.temperature(temperature);
        this.blockRows = blockRows;
    }

    public double temperature() {
        return temperature;
    }

    /**
     * @param features unnormalised features [N,d], FLOAT or DOUBLE
     * @param labels   integer class ids [N] (any numeric type holding integers ≥ 0)
     */
    public ContrastiveResult compute(INDArray features, INDArray labels) {
        Checks.floating(features, "features", 2);
        ClassLabels classes = ClassLabels.of(labels, features.size(0), -1);
        RowNormalizer norm = new RowNormalizer(features);
        BlockedContrastive c = BlockedContrastive.compute(norm.normalized, norm.normalized, classes, temperature,
                blockRows);
        // Anchors and targets are the same ẑ: both gradient paths add up.
        INDArray gradHat = c.gradAnchors.addi(c.gradTargets);
        Release.close(c.gradTargets);
        INDArray grad = norm.backward(gradHat);
        norm.release();
        return new ContrastiveResult(c.value, grad);
    }
}
