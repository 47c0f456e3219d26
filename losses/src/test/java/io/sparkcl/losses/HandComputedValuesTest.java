package io.sparkcl.losses;

import static io.sparkcl.losses.TestArrays.assertClose;
import static io.sparkcl.losses.TestArrays.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Values worked out by hand on tiny batches (the arithmetic is in the comments). */
class HandComputedValuesTest {
    private static final double E = Math.E;

    @Test
    void sclTwoClassesOrthogonalFeatures() {
        // z = e1, e1, e2, e2 (rows 0 and 1 scaled, normalisation removes the scale); y = 0,0,1,1; τ = 1.
        // Anchor 0: P = {1}, A = {1,2,3}; ẑ0·ẑ1 = 1, ẑ0·ẑ2 = ẑ0·ẑ3 = 0
        //   loss_0 = −log(e^1 / (e^1 + e^0 + e^0)) = log(e + 2) − 1; every anchor is the same by symmetry.
        INDArray z = Nd4j.createFromArray(new double[][] {{2, 0}, {0.5, 0}, {0, 1}, {0, 3}});
        ContrastiveResult r = new SupervisedContrastiveLoss(1.0).compute(z, labels(0, 0, 1, 1));
        assertEquals(Math.log(E + 2) - 1, r.value(), 1e-12); // = 0.55144...
    }

    @Test
    void sclAnchorWithoutPositiveIsLeftOut() {
        // z = e1, e1, e2; y = 0,0,1; τ = 0.5. Anchor 2 has no positive: not averaged.
        // Anchor 0: −log(e^{1/0.5} / (e^{1/0.5} + e^{0})) = log(1 + e^{−2}); anchor 1 the same.
        // L = (2·log(1 + e^{−2})) / 2 = 0.126928...
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}, {0, 1}});
        ContrastiveResult r = new SupervisedContrastiveLoss(0.5).compute(z, labels(0, 0, 1));
        assertEquals(Math.log(1 + Math.exp(-2)), r.value(), 1e-12);
    }

    @Test
    void sclSeveralPositivesAreAveraged() {
        // Three examples of one class on orthogonal axes, τ = 1: every similarity to others is 0.
        // Anchor 0: P = A = {1,2}: −(1/2)[log(e^0/(e^0+e^0)) + log(e^0/(e^0+e^0))] = log 2. Same for all.
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        ContrastiveResult r = new SupervisedContrastiveLoss(1.0).compute(z, labels(4, 4, 4));
        assertEquals(Math.log(2), r.value(), 1e-12);
        // The gradient at this symmetric point: dL/dẑ_0 = Σ_j (G_0j + G_j0)ẑ_j/τ with
        // G_0j = (1/3)(1/2 − 1/2) = 0, so the gradient is zero.
        assertClose(Nd4j.zeros(3, 3), r.gradFeatures(), 0, 1e-12, "zero gradient");
    }

    @Test
    void dualClTwoClassesWithCrossedLabelFeatures() {
        // z = e1, e1, e2, e2; y = 0,0,1,1; θ_i^{y_i} = the OTHER axis (class 0 → e2, class 1 → e1); τ = 1.
        // L_z, anchor θ̂*_0 = e2: positive ẑ_1 = e1 (dot 0), A = {ẑ1 = e1, ẑ2 = e2, ẑ3 = e2} (dots 0, 1, 1)
        //   loss = −log(e^0 / (e^0 + e^1 + e^1)) = log(1 + 2e); the same for every anchor.
        // L_θ, anchor ẑ_0 = e1: positive θ̂*_1 = e2 (dot 0), A = {e2, e1, e1} → log(1 + 2e) as well.
        // The off-label rows θ_i^{k≠y_i} do not enter (set to large values to show it).
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}, {0, 1}, {0, 1}});
        double[][][] theta = new double[4][2][2];
        for (int i = 0; i < 4; i++) {
            int y = i < 2 ? 0 : 1;
            theta[i][y] = y == 0 ? new double[] {0, 1} : new double[] {1, 0};
            theta[i][1 - y] = new double[] {5, -7};
        }
        DualContrastiveResult r = new DualContrastiveLoss(1.0)
                .compute(z, Nd4j.createFromArray(theta), labels(0, 0, 1, 1));
        double expected = Math.log(1 + 2 * E); // = 1.86199...
        assertEquals(expected, r.lz(), 1e-12);
        assertEquals(expected, r.ltheta(), 1e-12);
        assertEquals(2 * expected, r.value(), 1e-12);
        for (int i = 0; i < 4; i++) {
            int other = i < 2 ? 1 : 0;
            assertEquals(0.0, r.gradLabelFeatures().get(
                    org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(other),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).amaxNumber().doubleValue(), 0.0);
        }
    }

    @Test
    void crossEntropyTwoRows() {
        // Row 0: logits (0, 0), label 0 → −log(1/2) = ln 2.  Row 1: (ln 3, 0), label 1 → softmax (3/4, 1/4),
        // −log(1/4) = ln 4. Sum ln 8, normalizer 2 → 1.5·ln 2.
        // Gradient: row 0 (1/2 − 1, 1/2)/2 = (−0.25, 0.25); row 1 (3/4, 1/4 − 1)/2 = (0.375, −0.375).
        INDArray logits = Nd4j.createFromArray(new double[][] {{0, 0}, {Math.log(3), 0}});
        CrossEntropyResult r = new CrossEntropyLoss().compute(logits, labels(0, 1), 2.0);
        assertEquals(1.5 * Math.log(2), r.value(), 1e-12);
        assertClose(Nd4j.createFromArray(new double[][] {{-0.25, 0.25}, {0.375, -0.375}}), r.gradLogits(), 0,
                1e-12, "CE gradient");
    }

    @Test
    void dualClassifierUsesUnnormalisedDotProducts() {
        // z_0 = (1, 0), θ_0 = [(2, 0), (0, 1)] → logits (2, 0); label 0 → −log(e^2/(e^2 + 1)) = log(1 + e^{−2}).
        // dz = Σ_k g_k θ^k with g = softmax − onehot = (−1/(1+e^2), 1/(1+e^2)) → dz = g_0·(2,0) + g_1·(0,1).
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}});
        INDArray theta = Nd4j.createFromArray(new double[][][] {{{2, 0}, {0, 1}}});
        DualClassifierResult r = new DualClassifierLoss().compute(z, theta, labels(0), 1.0);
        assertEquals(Math.log(1 + Math.exp(-2)), r.value(), 1e-12);
        double p1 = 1 / (1 + Math.exp(2));
        assertClose(Nd4j.createFromArray(new double[][] {{-2 * p1, p1}}), r.gradCls(), 0, 1e-12, "dz");
        assertClose(Nd4j.createFromArray(new double[][] {{2, 0}}), r.logits(), 0, 1e-12, "logits");
    }

    @Test
    void objectiveWeightsTheParts() {
        // scl, λ = 0.25: total = 0.75·CE + 0.25·L_scl, with the batch of sclTwoClassesOrthogonalFeatures and
        // logits all zero (CE = ln 2 for two classes).
        INDArray z = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}, {0, 1}, {0, 1}});
        INDArray logits = Nd4j.zeros(4, 2).castTo(z.dataType());
        Objective scl = new Objective(Method.SCL, 0.25, 1.0);
        ObjectiveParts p = scl.compute(z, logits, null, labels(0, 0, 1, 1)).parts();
        double lscl = Math.log(E + 2) - 1;
        assertEquals(Math.log(2), p.ce(), 1e-12);
        assertEquals(lscl, p.contrastive(), 1e-12);
        assertEquals(0.75 * Math.log(2) + 0.25 * lscl, p.total(), 1e-12);
        assertEquals(0.75, scl.crossEntropyWeight());
        assertEquals(0.25, scl.contrastiveWeight());
        Objective dual = new Objective(Method.DUALCL, 0.5, 1.0);
        assertEquals(1.0, dual.crossEntropyWeight());
        assertEquals(0.5, dual.contrastiveWeight());
        Objective ce = new Objective(Method.CE, 0.5, 1.0);
        assertEquals(1.0, ce.crossEntropyWeight());
        assertEquals(0.0, ce.contrastiveWeight());
    }
}
