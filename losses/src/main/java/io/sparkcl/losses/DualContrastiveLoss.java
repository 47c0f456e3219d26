package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Contrastive part of DualCL (Chen et al. 2022), following the paper. With θ*_i = θ_i^{y_i} (the
 * label feature of the example's own class), ẑ = z/‖z‖, θ̂* = θ* / ‖θ*‖, P(i) = {p ≠ i : y_p = y_i},
 * A(i) = {a ≠ i}:
 *
 * <pre>
 *   L_z = mean_i −(1/|P(i)|) Σ_{p∈P(i)} log( exp(θ̂*_i·ẑ_p/τ) / Σ_{a∈A(i)} exp(θ̂*_i·ẑ_a/τ) )
 *   L_θ = mean_i −(1/|P(i)|) Σ_{p∈P(i)} log( exp(ẑ_i·θ̂*_p/τ) / Σ_{a∈A(i)} exp(ẑ_i·θ̂*_a/τ) )
 * </pre>
 *
 * the means running over anchors with P(i) ≠ ∅ (value 0 if there are none). Thread-safe.
 */
public final class DualContrastiveLoss {
    private final double temperature;
    private final int blockRows;

    public DualContrastiveLoss(double temperature) {
        this(temperature, 0);
    }

    /**
     * @param temperature τ > 0
     * @param blockRows   anchors per block; ≤ 0 = automatic
     */
    public DualContrastiveLoss(double temperature, int blockRows) {
        this.temperature = Checks.temperature(temperature);
        this.blockRows = blockRows;
    }

    public double temperature() {
        return temperature;
    }

    /**
     * @param cls           unnormalised [CLS] features z [N,d]
     * @param labelFeatures per-example label features θ [N,K,d] (same data type as cls)
     * @param labels        integer class ids in [0,K) [N]
     */
    public DualContrastiveResult compute(INDArray cls, INDArray labelFeatures, INDArray labels) {
        Checks.floating(cls, "cls", 2);
        Checks.floating(labelFeatures, "labelFeatures", 3);
        Checks.sameType(cls, "cls", labelFeatures, "labelFeatures");
        checkShapes(cls, labelFeatures);
        long k = labelFeatures.size(1);
        ClassLabels classes = ClassLabels.of(labels, cls.size(0), Math.toIntExact(k));

        RowNormalizer z = new RowNormalizer(cls);
        INDArray thetaStar = LabelFeatureRows.gather(labelFeatures, classes.labels);
        RowNormalizer theta = new RowNormalizer(thetaStar);
        Release.close(thetaStar);
        BlockedContrastive lz = BlockedContrastive.compute(theta.normalized, z.normalized, classes, temperature,
                blockRows);
        BlockedContrastive lt = BlockedContrastive.compute(z.normalized, theta.normalized, classes, temperature,
                blockRows);
        INDArray gradZ = z.backward(lz.gradTargets.addi(lt.gradAnchors));
        INDArray gradTheta = theta.backward(lz.gradAnchors.addi(lt.gradTargets));
        Release.close(lt.gradAnchors, lt.gradTargets);
        z.release();
        theta.release();
        INDArray gradLabelFeatures = LabelFeatureRows.scatter(gradTheta, classes.labels, k);
        Release.close(gradTheta);
        return new DualContrastiveResult(lz.value + lt.value, lz.value, lt.value, gradZ, gradLabelFeatures);
    }

    static void checkShapes(INDArray cls, INDArray labelFeatures) {
        if (labelFeatures.size(0) != cls.size(0) || labelFeatures.size(2) != cls.size(1)) {
            throw new IllegalArgumentException("shape mismatch: labelFeatures "
                    + java.util.Arrays.toString(labelFeatures.shape()) + " must be [N,K,d] for cls "
                    + java.util.Arrays.toString(cls.shape()) + " [N,d]");
        }
    }
}
