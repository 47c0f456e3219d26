package io.sparkcl.losses;

import static io.sparkcl.losses.TestArrays.assertClose;
import static io.sparkcl.losses.TestArrays.gaussian;
import static io.sparkcl.losses.TestArrays.labels;
import static io.sparkcl.losses.TestArrays.numericGradient;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hand-written gradients against central finite differences in float64. Batches mix repeated classes
 * with a singleton class (an anchor without positives that still serves as a negative).
 */
class GradientCheckTest {
    private static final double H = 1e-6;
    private static final double RTOL = 1e-6;
    private static final double ATOL = 1e-8;
    // Class 2 occurs once, classes 0 and 1 several times; K = 4 leaves class 3 absent.
    private static final INDArray Y = labels(0, 1, 0, 2, 1, 0, 1, 1);
    private static final int N = 8;
    private static final int D = 5;
    private static final int K = 4;

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void supervisedContrastive(int blockRows) {
        SupervisedContrastiveLoss loss = new SupervisedContrastiveLoss(0.3, blockRows);
        INDArray z = gaussian(11, DataType.DOUBLE, N, D);
        ContrastiveResult r = loss.compute(z, Y);
        assertTrue(r.value() > 0);
        INDArray numeric = numericGradient(z, x -> loss.compute(x, Y).value(), H);
        assertClose(numeric, r.gradFeatures(), RTOL, ATOL, "dL_scl/dz");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void dualContrastive(int blockRows) {
        DualContrastiveLoss loss = new DualContrastiveLoss(0.5, blockRows);
        INDArray z = gaussian(12, DataType.DOUBLE, N, D);
        INDArray theta = gaussian(13, DataType.DOUBLE, N, K, D);
        DualContrastiveResult r = loss.compute(z, theta, Y);
        assertTrue(r.lz() > 0 && r.ltheta() > 0);
        assertClose(numericGradient(z, x -> loss.compute(x, theta, Y).value(), H), r.gradCls(), RTOL, ATOL,
                "d(Lz+Ltheta)/dz");
        assertClose(numericGradient(theta, t -> loss.compute(z, t, Y).value(), H), r.gradLabelFeatures(), RTOL,
                ATOL, "d(Lz+Ltheta)/dtheta");
    }

    @Test
    void dualContrastivePartsSeparately() {
        DualContrastiveLoss loss = new DualContrastiveLoss(0.2);
        INDArray z = gaussian(14, DataType.DOUBLE, N, D);
        INDArray theta = gaussian(15, DataType.DOUBLE, N, K, D);
        // Lz alone through finite differences, compared with the analytic total minus Ltheta's numeric part.
        INDArray numLz = numericGradient(z, x -> loss.compute(x, theta, Y).lz(), H);
        INDArray numLt = numericGradient(z, x -> loss.compute(x, theta, Y).ltheta(), H);
        assertClose(numLz.add(numLt), loss.compute(z, theta, Y).gradCls(), RTOL, ATOL, "parts sum");
        assertTrue(numLz.sub(numLt).amaxNumber().doubleValue() > 1e-3, "Lz and Ltheta differ");
    }

    @Test
    void crossEntropy() {
        CrossEntropyLoss loss = new CrossEntropyLoss();
        INDArray logits = gaussian(16, DataType.DOUBLE, N, K).muli(3);
        CrossEntropyResult r = loss.compute(logits, Y, 5.0);
        assertClose(numericGradient(logits, x -> loss.compute(x, Y, 5.0).value(), H), r.gradLogits(), RTOL, ATOL,
                "dCE/dlogits");
    }

    @Test
    void dualClassifier() {
        DualClassifierLoss loss = new DualClassifierLoss();
        INDArray z = gaussian(17, DataType.DOUBLE, N, D);
        INDArray theta = gaussian(18, DataType.DOUBLE, N, K, D);
        DualClassifierResult r = loss.compute(z, theta, Y, 3.0);
        assertClose(numericGradient(z, x -> loss.compute(x, theta, Y, 3.0).value(), H), r.gradCls(), RTOL, ATOL,
                "dCE/dz");
        assertClose(numericGradient(theta, t -> loss.compute(z, t, Y, 3.0).value(), H), r.gradLabelFeatures(),
                RTOL, ATOL, "dCE/dtheta");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "scl", "dualcl"})
    void wholeObjective(String method) {
        Objective objective = new Objective(Method.parse(method), 0.4, 0.25, 3);
        INDArray z = gaussian(19, DataType.DOUBLE, N, D);
        INDArray logits = gaussian(20, DataType.DOUBLE, N, K);
        INDArray theta = gaussian(21, DataType.DOUBLE, N, K, D);
        ObjectiveResult r = objective.compute(z, logits, theta, Y);
        if (objective.method() != Method.CE) {
            assertClose(numericGradient(z, x -> objective.compute(x, logits, theta, Y).parts().total(), H),
                    r.gradFeatures(), RTOL, ATOL, method + " d total/d features");
        }
        if (objective.method() != Method.DUALCL) {
            assertClose(numericGradient(logits, x -> objective.compute(z, x, theta, Y).parts().total(), H),
                    r.gradLogits(), RTOL, ATOL, method + " d total/d logits");
        } else {
            assertClose(numericGradient(theta, t -> objective.compute(z, logits, t, Y).parts().total(), H),
                    r.gradLabelFeatures(), RTOL, ATOL, method + " d total/d labelFeatures");
        }
    }
}
