package io.sparkcl.losses;

import static io.sparkcl.losses.TestArrays.gaussian;
import static io.sparkcl.losses.TestArrays.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad input gives an IllegalArgumentException whose message names the argument and the problem. */
class ValidationTest {
    private static final INDArray Z = gaussian(1, DataType.DOUBLE, 4, 3);
    private static final INDArray THETA = gaussian(2, DataType.DOUBLE, 4, 2, 3);
    private static final INDArray Y = labels(0, 1, 0, 1);

    private static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void temperatureMustBePositive() {
        assertMessage(() -> new SupervisedContrastiveLoss(0), "temperature", "0.0");
        assertMessage(() -> new DualContrastiveLoss(-1), "temperature");
        assertMessage(() -> new SupervisedContrastiveLoss(Double.NaN), "temperature");
        assertMessage(() -> new Objective(Method.SCL, 0.5, 0), "temperature");
    }

    @Test
    void shapeMismatchesNameTheArguments() {
        SupervisedContrastiveLoss scl = new SupervisedContrastiveLoss(0.1);
        assertMessage(() -> scl.compute(Z, labels(0, 1, 0)), "labels", "[3]", "4 rows");
        assertMessage(() -> scl.compute(Z.reshape(4, 3, 1), Y), "features", "rank 2", "[4, 3, 1]");
        DualContrastiveLoss dual = new DualContrastiveLoss(0.1);
        assertMessage(() -> dual.compute(Z, gaussian(3, DataType.DOUBLE, 4, 2, 5), Y), "labelFeatures",
                "[4, 2, 5]", "[4, 3]");
        assertMessage(() -> dual.compute(Z, gaussian(3, DataType.DOUBLE, 5, 2, 3), Y), "labelFeatures", "[5, 2, 3]");
        assertMessage(() -> dual.compute(Z, THETA.castTo(DataType.FLOAT), Y), "cls", "labelFeatures", "FLOAT");
        assertMessage(() -> new DualClassifierLoss().compute(Z, gaussian(3, DataType.DOUBLE, 4, 2, 5), Y, 4),
                "labelFeatures");
        assertMessage(() -> new CrossEntropyLoss().compute(Z, labels(0, 1), 4), "labels", "[2]");
        assertMessage(() -> scl.compute(Z.castTo(DataType.INT32), Y), "features", "FLOAT or DOUBLE");
    }

    @Test
    void labelsOutsideTheClassRange() {
        assertMessage(() -> new DualContrastiveLoss(0.1).compute(Z, THETA, labels(0, 1, 2, 1)),
                "labels[2] = 2", "[0, 2)");
        assertMessage(() -> new DualClassifierLoss().compute(Z, THETA, labels(0, 1, 0, -1), 4), "labels[3] = -1");
        assertMessage(() -> new CrossEntropyLoss().compute(Z, labels(0, 3, 0, 1), 4), "labels[1] = 3", "[0, 3)");
        assertMessage(() -> new SupervisedContrastiveLoss(0.1).compute(Z, labels(0, -2, 0, 1)), "labels[1] = -2");
    }

    @Test
    void labelsMustBeIntegers() {
        INDArray fractional = Nd4j.createFromArray(0.0, 1.0, 0.5, 1.0);
        assertMessage(() -> new SupervisedContrastiveLoss(0.1).compute(Z, fractional), "labels[2] = 0.5",
                "not an integer");
        INDArray nan = Nd4j.createFromArray(0.0, Double.NaN, 0.0, 1.0);
        assertMessage(() -> new CrossEntropyLoss().compute(Z, nan, 4), "labels[1]", "not finite");
        // Integral floating labels are accepted.
        assertEquals(new SupervisedContrastiveLoss(0.1).compute(Z, Y).value(),
                new SupervisedContrastiveLoss(0.1).compute(Z, Y.castTo(DataType.FLOAT)).value(), 0.0);
    }

    @Test
    void nonFiniteInputsNameTheArgumentAndRow() {
        INDArray z = Z.dup();
        z.putScalar(2, 1, Double.NaN);
        assertMessage(() -> new SupervisedContrastiveLoss(0.1).compute(z, Y), "features", "non-finite", "row 2");
        INDArray theta = THETA.dup();
        theta.putScalar(new long[] {3, 0, 0}, Double.POSITIVE_INFINITY);
        assertMessage(() -> new DualContrastiveLoss(0.1).compute(Z, theta, Y), "labelFeatures", "non-finite",
                "row 3");
        assertMessage(() -> new DualContrastiveLoss(0.1).compute(z, THETA, Y), "cls", "non-finite");
        assertMessage(() -> new CrossEntropyLoss().compute(z, Y, 4), "logits", "non-finite");
    }

    @Test
    void objectiveOptions() {
        assertMessage(() -> new Objective(Method.SCL, 1.5, 0.1), "lambda", "[0, 1]");
        assertMessage(() -> new Objective(Method.DUALCL, -0.1, 0.1), "lambda", ">= 0");
        assertMessage(() -> Method.parse("simclr"), "ce, scl, dualcl", "simclr");
        assertEquals(Method.DUALCL, Method.parse("Dual-CL"));
        assertMessage(() -> new CrossEntropyLoss().compute(Z, Y, 0), "normalizer");
        Objective dual = new Objective(Method.DUALCL, 0.1, 0.1);
        assertMessage(() -> dual.contrastive(Z, null, Y), "labelFeatures");
    }
}
