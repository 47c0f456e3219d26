package io.sparkcl.losses;

import static io.sparkcl.losses.TestArrays.assertClose;
import static io.sparkcl.losses.TestArrays.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Scale invariance, permutation equivariance, and blocked == one-block. */
class InvarianceTest {
    private static final int N = 37;
    private static final int D = 6;
    private static final int K = 5;

    private static INDArray randomLabels(long seed, int n, int k) {
        Random rnd = new Random(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(k);
        }
        return Nd4j.createFromArray(y);
    }

    /** A column [N,1] of positive per-row factors spanning several orders of magnitude. */
    private static INDArray rowScales(long seed, int n) {
        Random rnd = new Random(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.pow(10, rnd.nextDouble() * 6 - 3);
        }
        return Nd4j.createFromArray(s).reshape(n, 1);
    }

    @Test
    void sclIsInvariantToScalingEachFeature() {
        SupervisedContrastiveLoss loss = new SupervisedContrastiveLoss(0.1);
        INDArray z = gaussian(1, DataType.DOUBLE, N, D);
        INDArray y = randomLabels(2, N, K);
        INDArray scales = rowScales(3, N);
        ContrastiveResult base = loss.compute(z, y);
        ContrastiveResult scaled = loss.compute(z.mulColumnVector(scales), y);
        assertEquals(base.value(), scaled.value(), 1e-12);
        // ẑ is unchanged, so dL/dz scales by 1/s per row.
        assertClose(base.gradFeatures(), scaled.gradFeatures().mulColumnVector(scales), 1e-10, 0, "grad·s");
    }

    @Test
    void dualContrastivePartsAreInvariantToScaling() {
        DualContrastiveLoss loss = new DualContrastiveLoss(0.1);
        INDArray z = gaussian(4, DataType.DOUBLE, N, D);
        INDArray theta = gaussian(5, DataType.DOUBLE, N, K, D);
        INDArray y = randomLabels(6, N, K);
        DualContrastiveResult base = loss.compute(z, theta, y);
        INDArray thetaScaled = theta.mul(rowScales(8, N).reshape(N, 1, 1));
        DualContrastiveResult scaled = loss.compute(z.mulColumnVector(rowScales(7, N)), thetaScaled, y);
        assertEquals(base.lz(), scaled.lz(), 1e-12);
        assertEquals(base.ltheta(), scaled.ltheta(), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void permutingTheBatchPermutesTheGradients(String type) {
        DataType dt = DataType.valueOf(type);
        double tol = dt == DataType.DOUBLE ? 1e-12 : 2e-5;
        INDArray z = gaussian(9, dt, N, D);
        INDArray theta = gaussian(10, dt, N, K, D);
        INDArray y = randomLabels(11, N, K);
        int[] perm = new int[N];
        for (int i = 0; i < N; i++) {
            perm[i] = (i * 17 + 5) % N; // 17 is coprime with 37: a permutation
        }
        INDArray zP = Nd4j.pullRows(z, 1, perm);
        INDArray thetaP = Nd4j.pullRows(theta.reshape(N, K * D), 1, perm).reshape(N, K, D);
        INDArray yP = Nd4j.pullRows(y.castTo(DataType.DOUBLE).reshape(N, 1), 1, perm).reshape(N);

        ContrastiveResult scl = new SupervisedContrastiveLoss(0.2).compute(z, y);
        ContrastiveResult sclP = new SupervisedContrastiveLoss(0.2).compute(zP, yP);
        assertEquals(scl.value(), sclP.value(), tol * 10);
        assertClose(Nd4j.pullRows(scl.gradFeatures(), 1, perm), sclP.gradFeatures(), tol, tol, "SCL grad");

        DualContrastiveResult dual = new DualContrastiveLoss(0.2).compute(z, theta, y);
        DualContrastiveResult dualP = new DualContrastiveLoss(0.2).compute(zP, thetaP, yP);
        assertEquals(dual.lz(), dualP.lz(), tol * 10);
        assertEquals(dual.ltheta(), dualP.ltheta(), tol * 10);
        assertClose(Nd4j.pullRows(dual.gradCls(), 1, perm), dualP.gradCls(), tol, tol, "DualCL grad z");
        INDArray gThetaP = Nd4j.pullRows(dual.gradLabelFeatures().reshape(N, K * D), 1, perm).reshape(N, K, D);
        assertClose(gThetaP, dualP.gradLabelFeatures(), tol, tol, "DualCL grad theta");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16, 36})
    void blockedEqualsOneBlockDouble(int block) {
        INDArray z = gaussian(12, DataType.DOUBLE, N, D);
        INDArray theta = gaussian(13, DataType.DOUBLE, N, K, D);
        INDArray y = randomLabels(14, N, K);
        ContrastiveResult one = new SupervisedContrastiveLoss(0.05, N).compute(z, y);
        ContrastiveResult blocked = new SupervisedContrastiveLoss(0.05, block).compute(z, y);
        assertEquals(one.value(), blocked.value(), 1e-12);
        assertClose(one.gradFeatures(), blocked.gradFeatures(), 1e-12, 1e-14, "SCL block " + block);

        DualContrastiveResult dOne = new DualContrastiveLoss(0.05, N).compute(z, theta, y);
        DualContrastiveResult dBlocked = new DualContrastiveLoss(0.05, block).compute(z, theta, y);
        assertEquals(dOne.lz(), dBlocked.lz(), 1e-12);
        assertEquals(dOne.ltheta(), dBlocked.ltheta(), 1e-12);
        assertClose(dOne.gradCls(), dBlocked.gradCls(), 1e-12, 1e-14, "DualCL z block " + block);
        assertClose(dOne.gradLabelFeatures(), dBlocked.gradLabelFeatures(), 1e-12, 1e-14, "DualCL θ block " + block);
    }

    @Test
    void blockedEqualsOneBlockFloatAtModerateSize() {
        int n = 600;
        INDArray z = gaussian(15, DataType.FLOAT, n, 32);
        INDArray y = randomLabels(16, n, 20);
        ContrastiveResult one = new SupervisedContrastiveLoss(0.07, n).compute(z, y);
        ContrastiveResult blocked = new SupervisedContrastiveLoss(0.07, 97).compute(z, y);
        assertEquals(one.value(), blocked.value(), 1e-5 * Math.abs(one.value()));
        assertClose(one.gradFeatures(), blocked.gradFeatures(), 1e-5, 1e-7, "float SCL blocked");
        // Float result agrees with the float64 computation to float precision.
        ContrastiveResult exact = new SupervisedContrastiveLoss(0.07).compute(z.castTo(DataType.DOUBLE), y);
        assertEquals(exact.value(), one.value(), 1e-5 * Math.abs(exact.value()));
        assertClose(exact.gradFeatures(), one.gradFeatures(), 1e-4, 1e-6, "float vs double");
        assertEquals(DataType.FLOAT, one.gradFeatures().dataType());
    }

    @ParameterizedTest
    @ValueSource(chars = {'c', 'f'})
    void inputsAreLeftUntouched(char order) {
        // The losses free their temporaries eagerly; the caller's arrays must survive, unchanged.
        INDArray z = gaussian(17, DataType.FLOAT, N, D).dup(order);
        INDArray theta = gaussian(18, DataType.FLOAT, N, K, D).dup(order);
        INDArray y = randomLabels(19, N, K);
        INDArray zCopy = z.dup();
        INDArray thetaCopy = theta.dup();
        ContrastiveResult first = new SupervisedContrastiveLoss(0.1, 8).compute(z, y);
        DualContrastiveResult dual = new DualContrastiveLoss(0.1, 8).compute(z, theta, y);
        assertEquals(zCopy, z);
        assertEquals(thetaCopy, theta);
        assertEquals(first.value(), new SupervisedContrastiveLoss(0.1, 8).compute(z, y).value(), 0.0);
        assertEquals(dual.value(), new DualContrastiveLoss(0.1, 8).compute(z, theta, y).value(), 0.0);
    }

    @Test
    void automaticBlockSizeBoundsTheSimilarityBlock() {
        assertEquals(1024, BlockedContrastive.blockRows(0, 32768));
        assertEquals(4096, BlockedContrastive.blockRows(0, 4096));
        assertEquals(7, BlockedContrastive.blockRows(100, 7));
        assertEquals(1, BlockedContrastive.blockRows(0, 1L << 26));
    }
}
