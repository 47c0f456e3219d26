package io.sparkcl.losses;

import static io.sparkcl.losses.TestArrays.assertFinite;
import static io.sparkcl.losses.TestArrays.gaussian;
import static io.sparkcl.losses.TestArrays.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** No NaN/Inf in the hard cases, in float32 and float64. */
class StabilityTest {
    private static final INDArray Y = labels(0, 1, 0, 1, 2, 0, 1, 3);

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void lowTemperatureWithOppositeFeatures(String type) {
        DataType dt = DataType.valueOf(type);
        // Rows 0..3 are ±e1: a row's similarities span [−1/τ, 1/τ] = [−100, 100], e^{±200} relative range.
        INDArray z = gaussian(1, dt, 8, 4);
        z.getRow(0).assign(Nd4j.createFromArray(1.0, 0, 0, 0).castTo(dt));
        z.getRow(1).assign(Nd4j.createFromArray(-1.0, 0, 0, 0).castTo(dt));
        z.getRow(2).assign(Nd4j.createFromArray(-1.0, 0, 0, 0).castTo(dt));
        z.getRow(3).assign(Nd4j.createFromArray(1.0, 0, 0, 0).castTo(dt));
        ContrastiveResult r = new SupervisedContrastiveLoss(0.01).compute(z, Y);
        assertTrue(Double.isFinite(r.value()) && r.value() > 50, "value " + r.value());
        assertFinite(r.gradFeatures(), "SCL gradient");
        DualContrastiveResult d = new DualContrastiveLoss(0.01).compute(z, gaussian(2, dt, 8, 4, 4), Y);
        assertTrue(Double.isFinite(d.value()));
        assertFinite(d.gradCls(), "DualCL gradCls");
        assertFinite(d.gradLabelFeatures(), "DualCL gradLabelFeatures");
        // float32 and float64 agree on the value.
        double exact = new SupervisedContrastiveLoss(0.01).compute(z.castTo(DataType.DOUBLE), Y).value();
        assertEquals(exact, r.value(), 1e-4 * exact);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void identicalFeatures(String type) {
        DataType dt = DataType.valueOf(type);
        // All similarities equal 1/τ: loss_i = LSE over N−1 equal logits − 1/τ = log(N − 1); at this point
        // every ẑ-gradient is parallel to ẑ and is projected out by the normalisation.
        // float32: logits are 1/τ = 100, whose ulp is 7.6e-6, so the value is good to ~1e-5 absolute.
        double tol = dt == DataType.FLOAT ? 5e-5 : 1e-10;
        INDArray z = Nd4j.ones(dt, 8, 5).muli(3);
        ContrastiveResult r = new SupervisedContrastiveLoss(0.01).compute(z, Y);
        assertEquals(Math.log(7), r.value(), tol);
        assertFinite(r.gradFeatures(), "gradient");
        assertTrue(r.gradFeatures().amaxNumber().doubleValue() < 1e-3);
        INDArray theta = Nd4j.ones(dt, 8, 4, 5);
        DualContrastiveResult d = new DualContrastiveLoss(0.01).compute(z, theta, Y);
        assertEquals(2 * Math.log(7), d.value(), 2 * tol);
        assertFinite(d.gradCls(), "DualCL gradCls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void noAnchorHasAPositive(String type) {
        DataType dt = DataType.valueOf(type);
        INDArray z = gaussian(3, dt, 4, 3);
        INDArray singletons = labels(3, 1, 0, 2);
        ContrastiveResult r = new SupervisedContrastiveLoss(0.1).compute(z, singletons);
        assertEquals(0.0, r.value());
        assertEquals(0.0, r.gradFeatures().amaxNumber().doubleValue());
        assertEquals(dt, r.gradFeatures().dataType());
        DualContrastiveResult d = new DualContrastiveLoss(0.1).compute(z, gaussian(4, dt, 4, 4, 3), singletons);
        assertEquals(0.0, d.value());
        assertEquals(0.0, d.gradCls().amaxNumber().doubleValue());
        assertEquals(0.0, d.gradLabelFeatures().amaxNumber().doubleValue());
        // A batch of one example.
        ContrastiveResult one = new SupervisedContrastiveLoss(0.1).compute(gaussian(5, dt, 1, 3), labels(0));
        assertEquals(0.0, one.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void singleExampleOfAClassAndAZeroFeature(String type) {
        DataType dt = DataType.valueOf(type);
        INDArray z = gaussian(6, dt, 8, 4);
        z.getRow(4).assign(0); // class 2 has this single example, with a zero feature vector
        ContrastiveResult r = new SupervisedContrastiveLoss(0.05).compute(z, Y);
        assertTrue(Double.isFinite(r.value()));
        assertFinite(r.gradFeatures(), "gradient");
        // The zero row stays a zero "direction": similarity 0 to everything, i.e. one e^0 term in every
        // other anchor's denominator. Same value as a batch where that row is any vector orthogonal to all.
        INDArray orthogonal = z.dup();
        orthogonal.getColumn(3).assign(0);
        orthogonal.getRow(4).assign(Nd4j.createFromArray(0, 0, 0, 2.0).castTo(dt));
        double expected = new SupervisedContrastiveLoss(0.05).compute(orthogonal, Y).value();
        INDArray zeroRow = orthogonal.dup();
        zeroRow.getRow(4).assign(0);
        assertEquals(expected, new SupervisedContrastiveLoss(0.05).compute(zeroRow, Y).value(), 1e-5 * expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void crossEntropyWithHugeLogits(String type) {
        DataType dt = DataType.valueOf(type);
        INDArray logits = Nd4j.createFromArray(new double[][] {{1e4, -1e4, 0}, {-1e4, 1e4, 0}}).castTo(dt);
        CrossEntropyResult r = new CrossEntropyLoss().compute(logits, labels(0, 0), 2);
        // Row 0 is right with certainty (loss 0); row 1 is wrong by 2e4: loss 2e4. Mean 1e4.
        assertEquals(1e4, r.value(), 1e-2);
        assertFinite(r.gradLogits(), "gradient");
    }
}
