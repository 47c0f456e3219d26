package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under CLS pooling the last layer's backward runs on the rows the heads read (one per sequence, plus DualCL's label
 * positions): the gradients must be those of the backward over every row, on both compute paths, with and without
 * label features and dropout. MEAN pooling keeps every row.
 */
class LastLayerOnHeadRowsTest {

    @Test
    void gradientsEqualTheBackwardOverEveryRow() {
        for (ComputePath path : ComputePath.values()) {
            for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
                if (path == ComputePath.FUSED && type == DataType.DOUBLE) {
                    continue;
                }
                for (boolean labels : new boolean[]{false, true}) {
                    INDArray onRows = gradient(path, type, labels, true);
                    INDArray everyRow = gradient(path, type, labels, false);
                    double scale = everyRow.amaxNumber().doubleValue();
                    double diff = onRows.sub(everyRow).amaxNumber().doubleValue();
                    double tol = type == DataType.DOUBLE ? 1e-12 : 1e-5;
                    assertTrue(diff <= tol * scale, path + " " + type + " labels=" + labels + ": max |diff| " + diff
                            + " of max " + scale);
                }
            }
        }
    }

    @Test
    void theRowsAreTheClsAndLabelPositionsAndMeanPoolingKeepsEveryRow() {
        BertConfig cfg = EncoderTestFixtures.micro();
        BertParameters p = BertParameters.randomInit(cfg, 3, 4L, DataType.DOUBLE);
        EncoderBatch batch = EncoderTestFixtures.batch(cfg, 3, 12, 4L, true, true);
        ForwardState cls = new BertEncoderModel(p, Pooling.CLS, ComputePath.PORTABLE).forward(batch, true);
        assertNotNull(cls.acts.headRows);
        assertArrayEquals(new int[]{0, 1, 2, 3, 12, 13, 14, 15, 24, 25, 26, 27}, cls.acts.headRows);
        ForwardState mean = new BertEncoderModel(p, Pooling.MEAN, ComputePath.PORTABLE).forward(batch, true);
        assertNull(mean.acts.headRows);
        EncoderBatch shortRows = EncoderTestFixtures.batch(cfg, 3, 7, 4L, true, true);
        assertNull(new BertEncoderModel(p, Pooling.CLS, ComputePath.PORTABLE).forward(shortRows, true).acts.headRows,
                "4 of 7 rows per sequence: more than half, so every row");
    }

    private static INDArray gradient(ComputePath path, DataType type, boolean labels, boolean onHeadRows) {
        BertConfig cfg = EncoderTestFixtures.micro();
        int numLabels = 3;
        BertParameters p = BertParameters.randomInit(cfg, numLabels, 8L, DataType.DOUBLE);
        p.flat().muli(10.0); // larger weights so every path carries a visible gradient
        BertParameters typed = BertParameters.zeros(cfg, numLabels, type);
        typed.flat().assign(p.flat().castTo(type));
        BertEncoderModel model = new BertEncoderModel(typed, Pooling.CLS, path);
        model.lastLayerOnHeadRows(onHeadRows);
        EncoderBatch batch = EncoderTestFixtures.batch(cfg, 3, 12, 8L, labels, true);
        int n = batch.size();
        int d = cfg.hiddenSize();
        ForwardState s = model.forward(batch, true);
        if (onHeadRows) {
            assertNotNull(s.acts.headRows, "the test must take the rows path");
        }
        INDArray grad = Nd4j.zeros(type, typed.size());
        model.backward(s, EncoderTestFixtures.randn(1, type, n, d), EncoderTestFixtures.randn(2, type, n, numLabels),
                labels ? EncoderTestFixtures.randn(3, type, n, 2, d) : null, grad);
        return grad;
    }
}
