package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FLOAT path (fused float kernels, float erf) agrees with the float64 reference (the portable path in DOUBLE,
 * checked by finite differences in {@link BertEncoderGradientTest}) on the same parameters: outputs and gradients,
 * with dropout, padding and label features.
 */
class FloatPathTest {
    @Test
    void floatForwardAndBackwardMatchDouble() {
        BertConfig cfg = BertConfig.tinyRandom().withDropout(0.1, 0.1);
        BertParameters pd = BertParameters.randomInit(new BertConfig("bert", 200, cfg.hiddenSize(), cfg.numHiddenLayers(),
                cfg.numAttentionHeads(), cfg.intermediateSize(), 32, 2, 1e-12, 0.1, 0.1, 0, 0), 4, 21L, DataType.DOUBLE);
        pd.flat().muli(5); // O(1) activations so GELU and softmax are exercised away from their linear regimes
        BertParameters pf = pd.copy(DataType.FLOAT);
        EncoderBatch b = EncoderTestFixtures.batch(pd.config(), 5, 11, 8L, true, true);
        for (Pooling pooling : Pooling.values()) {
            BertEncoderModel md = new BertEncoderModel(pd, pooling);
            BertEncoderModel mf = new BertEncoderModel(pf, pooling);
            ForwardState sd = md.forward(b, true);
            ForwardState sf = mf.forward(b, true);
            assertClose("pooled", sd.pooled(), sf.pooled(), 2e-4);
            assertClose("logits", sd.logits(), sf.logits(), 2e-4);
            assertClose("labelFeatures", sd.labelFeatures(), sf.labelFeatures(), 2e-4);
            assertClose("lastHiddenState", sd.lastHiddenState(), sf.lastHiddenState(), 2e-4);
            INDArray gp = EncoderTestFixtures.randn(1, DataType.DOUBLE, 5, cfg.hiddenSize());
            INDArray gl = EncoderTestFixtures.randn(2, DataType.DOUBLE, 5, 4);
            INDArray gf = EncoderTestFixtures.randn(3, DataType.DOUBLE, 5, 2, cfg.hiddenSize());
            INDArray gradD = Nd4j.zeros(DataType.DOUBLE, pd.size());
            INDArray gradF = Nd4j.zeros(DataType.FLOAT, pf.size());
            md.backward(sd, gp, gl, gf, gradD);
            mf.backward(sf, gp.castTo(DataType.FLOAT), gl.castTo(DataType.FLOAT), gf.castTo(DataType.FLOAT), gradF);
            double global = gradD.amaxNumber().doubleValue();
            for (String name : pd.names()) {
                // Key biases have a true zero gradient (softmax shift invariance): compare on the global scale; tiny
                // gradients (saturated paths) are compared at 1% of the global scale.
                double floor = name.contains("key.bias") ? global : 0.01 * global;
                assertClose("gradient of " + name, pd.tensorIn(gradD, name), pf.tensorIn(gradF, name), 1e-3, floor);
            }
        }
    }

    private static void assertClose(String what, INDArray expected, INDArray actual, double tol) {
        assertClose(what, expected, actual, tol, 0.0);
    }

    private static void assertClose(String what, INDArray expected, INDArray actual, double tol, double floor) {
        double scale = Math.max(floor, Math.max(1e-3, expected.amaxNumber().doubleValue()));
        double diff = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= tol * scale, what + ": max diff " + diff + " (scale " + scale + ")");
    }
}
