package io.sparkcl.model.encoder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences (float64) against the hand-written backward for every parameter tensor, through the
 * pooled feature, the linear head and the DualCL label features at once, with padding and dropout on.
 */
class BertEncoderGradientTest {

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void gradientsMatchFiniteDifferences(Pooling pooling) {
        checkAll(EncoderTestFixtures.micro(), pooling, 11L);
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void robertaGradientsMatchFiniteDifferences(Pooling pooling) {
        checkAll(EncoderTestFixtures.microRoberta(), pooling, 12L);
    }

    private void checkAll(BertConfig cfg, Pooling pooling, long seed) {
        int numLabels = 3;
        BertParameters p = BertParameters.randomInit(cfg, numLabels, seed, DataType.DOUBLE);
        // Larger-than-default weights so every path carries a visible gradient.
        p.flat().muli(10.0);
        for (String name : p.names()) {
            if (name.contains("LayerNorm.weight")) {
                p.tensor(name).assign(EncoderTestFixtures.randn(seed + name.hashCode(), DataType.DOUBLE,
                        p.tensor(name).shape()).muli(0.3).addi(1.0));
            } else if (name.endsWith(".bias")) {
                p.tensor(name).assign(EncoderTestFixtures.randn(seed + name.hashCode(), DataType.DOUBLE,
                        p.tensor(name).shape()).muli(0.1));
            }
        }
        BertEncoderModel model = new BertEncoderModel(p, pooling);
        EncoderBatch batch = EncoderTestFixtures.batch(cfg, 3, 7, seed, true, true);
        int n = batch.size();
        int d = cfg.hiddenSize();
        INDArray rPooled = EncoderTestFixtures.randn(1, DataType.DOUBLE, n, d);
        INDArray rLogits = EncoderTestFixtures.randn(2, DataType.DOUBLE, n, numLabels);
        INDArray rLabels = EncoderTestFixtures.randn(3, DataType.DOUBLE, n, 2, d);

        ForwardState s = model.forward(batch, true);
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, p.size());
        model.backward(s, rPooled, rLogits, rLabels, grad);

        Random r = new Random(seed);
        Set<Integer> usedIds = new HashSet<>();
        for (int[] row : batch.inputIds()) {
            for (int id : row) {
                usedIds.add(id);
            }
        }
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String name : p.names()) {
            BertParameters.Slot slot = p.slot(name);
            List<Long> coords = new ArrayList<>();
            if (name.equals(BertParameters.WORD_EMBEDDINGS)) {
                for (int id : usedIds) {
                    coords.add(slot.offset() + (long) id * d + r.nextInt(d));
                    if (coords.size() >= 4) {
                        break;
                    }
                }
                coords.add(slot.offset() + (long) (cfg.vocabSize() - 1) * d); // likely unused row: gradient 0
            } else {
                for (int k = 0; k < 4; k++) {
                    coords.add(slot.offset() + (long) r.nextInt((int) Math.min(slot.length(), name.contains("position")
                            ? (long) (cfg.positionOffset() + 7) * d : slot.length())));
                }
            }
            for (long c : coords) {
                double analytic = grad.getDouble(c);
                double numeric = numericGradient(model, batch, p, c, rPooled, rLogits, rLabels);
                // Relative error, with an absolute floor for true zeros (e.g. key biases: softmax is shift-invariant),
                // where the central difference is round-off noise of about 1e-9.
                double diff = Math.abs(analytic - numeric);
                double err = diff / Math.max(1e-12, Math.abs(analytic) + Math.abs(numeric));
                checked++;
                if (err > 1e-5 && diff > 1e-8) {
                    failures.add(name + "[" + (c - slot.offset()) + "]: analytic " + analytic + " numeric " + numeric
                            + " rel.err " + err);
                }
            }
        }
        assertTrue(failures.isEmpty(), "gradient mismatches (" + failures.size() + " of " + checked + "):\n"
                + String.join("\n", failures));
    }

    private static double numericGradient(BertEncoderModel model, EncoderBatch batch, BertParameters p, long c,
                                          INDArray rPooled, INDArray rLogits, INDArray rLabels) {
        double h = 1e-6;
        double orig = p.flat().getDouble(c);
        p.flat().putScalar(c, orig + h);
        double plus = objective(model.forward(batch, true), rPooled, rLogits, rLabels);
        p.flat().putScalar(c, orig - h);
        double minus = objective(model.forward(batch, true), rPooled, rLogits, rLabels);
        p.flat().putScalar(c, orig);
        return (plus - minus) / (2 * h);
    }

    private static double objective(ForwardState s, INDArray rPooled, INDArray rLogits, INDArray rLabels) {
        return s.pooled().mul(rPooled).sumNumber().doubleValue() + s.logits().mul(rLogits).sumNumber().doubleValue()
                + s.labelFeatures().mul(rLabels).sumNumber().doubleValue();
    }
}
