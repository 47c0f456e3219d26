package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
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

    @Test
    void robertaGradientsMatchFiniteDifferences() {
        checkAll(EncoderTestFixtures.microRoberta(), Pooling.CLS, 12L);
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
        for (String name : p.names()) {
            BertParameters.Slot slot = p.slot(name);
            // Rows that the batch reaches: word ids present, positions < offset + T.
            List<Long> candidates = new ArrayList<>();
            if (name.equals(BertParameters.WORD_EMBEDDINGS)) {
                for (int id : usedIds) {
                    for (int k = 0; k < d; k++) {
                        candidates.add((long) id * d + k);
                    }
                }
            } else {
                long limit = name.equals(BertParameters.POSITION_EMBEDDINGS)
                        ? Math.min(slot.length(), (long) (cfg.positionOffset() + 7) * d) : slot.length();
                for (long k = 0; k < limit; k++) {
                    candidates.add(k);
                }
            }
            // A random subset of up to 8 coordinates with random weights: one central difference along that
            // direction checks all of them against sum_c w_c * analytic_c.
            java.util.Collections.shuffle(candidates, r);
            List<Long> coords = candidates.subList(0, Math.min(8, candidates.size()));
            double[] w = new double[coords.size()];
            double analytic = 0;
            for (int k = 0; k < w.length; k++) {
                w[k] = r.nextBoolean() ? 1.0 + r.nextDouble() : -1.0 - r.nextDouble();
                analytic += w[k] * grad.getDouble(slot.offset() + coords.get(k));
            }
            double numeric = numericDirectional(model, batch, p, slot.offset(), coords, w, rPooled, rLogits, rLabels);
            // Relative error, with an absolute floor for true zeros (e.g. key biases: softmax is shift-invariant),
            // where the central difference is round-off noise of about 1e-9.
            double diff = Math.abs(analytic - numeric);
            double err = diff / Math.max(1e-12, Math.abs(analytic) + Math.abs(numeric));
            if (err > 1e-5 && diff > 1e-8) {
                failures.add(name + " at " + coords + ": analytic " + analytic + " numeric " + numeric + " rel.err " + err);
            }
        }
        // Rows of ids not in the batch get exactly zero gradient (sparse scatter-add).
        for (int id = 0; id < cfg.vocabSize(); id++) {
            if (!usedIds.contains(id)) {
                INDArray row = p.tensorIn(grad, BertParameters.WORD_EMBEDDINGS).getRow(id);
                assertTrue(row.amaxNumber().doubleValue() == 0.0, "unused word row " + id + " has a gradient");
            }
        }
        assertTrue(failures.isEmpty(), "gradient mismatches (" + failures.size() + " of " + p.names().size()
                + " tensors):\n" + String.join("\n", failures));
    }

    private static double numericDirectional(BertEncoderModel model, EncoderBatch batch, BertParameters p, long base,
                                             List<Long> coords, double[] w, INDArray rPooled, INDArray rLogits,
                                             INDArray rLabels) {
        double h = 1e-6;
        double[] orig = new double[w.length];
        for (int k = 0; k < w.length; k++) {
            orig[k] = p.flat().getDouble(base + coords.get(k));
            p.flat().putScalar(base + coords.get(k), orig[k] + h * w[k]);
        }
        double plus = objective(model.forward(batch, true), rPooled, rLogits, rLabels);
        for (int k = 0; k < w.length; k++) {
            p.flat().putScalar(base + coords.get(k), orig[k] - h * w[k]);
        }
        double minus = objective(model.forward(batch, true), rPooled, rLogits, rLabels);
        for (int k = 0; k < w.length; k++) {
            p.flat().putScalar(base + coords.get(k), orig[k]);
        }
        return (plus - minus) / (2 * h);
    }

    private static double objective(ForwardState s, INDArray rPooled, INDArray rLogits, INDArray rLabels) {
        return s.pooled().mul(rPooled).sumNumber().doubleValue() + s.logits().mul(rLogits).sumNumber().doubleValue()
                + s.labelFeatures().mul(rLabels).sumNumber().doubleValue();
    }
}
