package io.sparkcl.model.encoder;

import io.sparkcl.model.optim.AdamW;
import io.sparkcl.model.optim.GradientClipping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The portable path (ND4J operations only, what runs on CUDA) and the fused CPU path agree in FLOAT: outputs and every
 * gradient to 1e-5, and a short training of the tiny model ends at the same parameters to 1e-5. The forward-only
 * (inference) path gives the training path's outputs without dropout and cannot be back-propagated.
 */
class ComputePathParityTest {
    private static final BertConfig CFG = new BertConfig("bert", 300, 32, 2, 4, 64, 32, 2, 1e-12, 0.1, 0.1, 0, 0);

    private static BertParameters params(long seed) {
        BertParameters p = BertParameters.randomInit(CFG, 3, seed, DataType.FLOAT);
        p.flat().muli(5); // O(1) activations: GELU and softmax away from their linear regimes
        return p;
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void portableMatchesFusedOnOutputsAndGradients(Pooling pooling) {
        BertParameters p = params(31L);
        BertEncoderModel fused = new BertEncoderModel(p, pooling, ComputePath.FUSED);
        BertEncoderModel portable = new BertEncoderModel(p, pooling, ComputePath.PORTABLE);
        EncoderBatch b = EncoderTestFixtures.batch(CFG, 5, 11, 3L, true, true);
        ForwardState sf = fused.forward(b, true);
        ForwardState sp = portable.forward(b, true);
        assertClose("pooled", sf.pooled(), sp.pooled(), 1e-5, 1.0);
        assertClose("logits", sf.logits(), sp.logits(), 1e-5, 1.0);
        assertClose("labelFeatures", sf.labelFeatures(), sp.labelFeatures(), 1e-5, 1.0);
        assertClose("lastHiddenState", sf.lastHiddenState(), sp.lastHiddenState(), 1e-5, 1.0);

        INDArray gp = EncoderTestFixtures.randn(1, DataType.FLOAT, 5, CFG.hiddenSize());
        INDArray gl = EncoderTestFixtures.randn(2, DataType.FLOAT, 5, 3);
        INDArray gf = EncoderTestFixtures.randn(3, DataType.FLOAT, 5, 2, CFG.hiddenSize());
        INDArray gradF = Nd4j.zeros(DataType.FLOAT, p.size());
        INDArray gradP = Nd4j.zeros(DataType.FLOAT, p.size());
        fused.backward(sf, gp, gl, gf, gradF);
        portable.backward(sp, gp, gl, gf, gradP);
        double global = gradF.amaxNumber().doubleValue();
        assertTrue(global > 0);
        for (String name : p.names()) {
            assertClose("gradient of " + name, p.tensorIn(gradF, name), p.tensorIn(gradP, name), 1e-5, global);
        }
    }

    @Test
    void shortTrainingEndsAtTheSameParametersOnBothPaths() {
        BertParameters fusedParams = BertParameters.randomInit(BertConfig.tinyRandom(), 2, 7L, DataType.FLOAT);
        BertParameters portableParams = fusedParams.copy(DataType.FLOAT);
        INDArray fused = train(new BertEncoderModel(fusedParams, Pooling.MEAN, ComputePath.FUSED));
        INDArray portable = train(new BertEncoderModel(portableParams, Pooling.MEAN, ComputePath.PORTABLE));
        INDArray start = BertParameters.randomInit(BertConfig.tinyRandom(), 2, 7L, DataType.FLOAT).flat();
        assertTrue(Transforms.abs(fused.sub(start)).maxNumber().doubleValue() > 1e-3, "training must move parameters");
        double diff = Transforms.abs(fused.sub(portable)).maxNumber().doubleValue();
        assertTrue(diff <= 1e-5, "parameters differ by " + diff + " after training on the two paths");
    }

    /** Six steps of CE fine-tuning (dropout on, clipping, AdamW) on fixed batches; returns the final parameters. */
    private static INDArray train(BertEncoderModel model) {
        BertParameters p = model.parameters();
        AdamW adam = AdamW.forParameters(p, 0.01);
        INDArray grad = Nd4j.zeros(DataType.FLOAT, p.size());
        for (int step = 0; step < 6; step++) {
            EncoderBatch b = EncoderTestFixtures.batch(p.config(), 6, 12, 100L + step, false, true);
            grad.assign(0);
            ForwardState s = model.forward(b, true);
            INDArray dLogits = Transforms.softmax(s.logits(), true);
            for (int i = 0; i < b.size(); i++) {
                dLogits.putScalar(i, i % 2, dLogits.getDouble(i, i % 2) - 1.0);
            }
            model.backward(s, null, dLogits.divi(b.size()), null, grad);
            GradientClipping.clipByGlobalNorm(grad, 1.0);
            adam.step(p.flat(), grad, 1e-3);
        }
        return p.flat().dup();
    }

    @ParameterizedTest
    @EnumSource(ComputePath.class)
    void inferenceGivesTheOutputsWithoutDropoutAndKeepsNothingForBackward(ComputePath path) {
        BertEncoderModel m = new BertEncoderModel(params(5L), Pooling.MEAN, path);
        EncoderBatch b = EncoderTestFixtures.batch(CFG, 4, 9, 6L, true, true);
        EncoderBatch noDropout = new EncoderBatch(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), b.labelPositions(),
                null);
        ForwardState stored = m.forward(noDropout, true);
        INDArray pooled = stored.pooled();
        INDArray logits = stored.logits();
        INDArray labels = stored.labelFeatures();
        INDArray hidden = stored.lastHiddenState();
        ForwardState inferred = m.forward(b, false);
        assertEquals(pooled, inferred.pooled());
        assertEquals(logits, inferred.logits());
        assertEquals(labels, inferred.labelFeatures());
        assertEquals(hidden, inferred.lastHiddenState());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.backward(inferred,
                pooled, null, null, Nd4j.zeros(DataType.FLOAT, m.parameters().size())));
        assertTrue(e.getMessage().contains("training=false"), e.getMessage());
    }

    @Test
    void fusedKernelsRefuseDouble() {
        BertParameters p = BertParameters.randomInit(CFG, 0, 1L, DataType.DOUBLE);
        assertEquals(ComputePath.PORTABLE, ComputePath.auto(DataType.DOUBLE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BertEncoderModel(p, Pooling.CLS, ComputePath.FUSED));
        assertTrue(e.getMessage().contains("FLOAT only"), e.getMessage());
    }

    @Test
    void thePropertySelectsThePathOfFloatModelsAndBadValuesAreNamed() {
        String before = System.getProperty(ComputePath.PROPERTY);
        try {
            System.setProperty(ComputePath.PROPERTY, "Portable");
            assertEquals(ComputePath.PORTABLE, ComputePath.auto(DataType.FLOAT));
            assertEquals(ComputePath.PORTABLE, new BertEncoderModel(params(1L), Pooling.CLS).computePath());
            System.setProperty(ComputePath.PROPERTY, "fused");
            assertEquals(ComputePath.FUSED, ComputePath.auto(DataType.FLOAT));
            System.setProperty(ComputePath.PROPERTY, "gpu");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ComputePath.auto(DataType.FLOAT));
            assertTrue(e.getMessage().contains("-Dsparkcl.encoder.path=gpu"), e.getMessage());
            System.clearProperty(ComputePath.PROPERTY);
            assertEquals(ComputePath.FUSED, ComputePath.auto(DataType.FLOAT), "the CPU backend's default");
        } finally {
            if (before == null) {
                System.clearProperty(ComputePath.PROPERTY);
            } else {
                System.setProperty(ComputePath.PROPERTY, before);
            }
        }
    }

    /** max |expected - actual| <= tol * max(floor, max |expected|). */
    private static void assertClose(String what, INDArray expected, INDArray actual, double tol, double floor) {
        double scale = Math.max(floor, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max diff " + diff + " (scale " + scale + ")");
    }
}
