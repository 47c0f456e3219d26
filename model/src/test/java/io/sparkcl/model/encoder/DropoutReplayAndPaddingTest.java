package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout masks replay across passes and micro-batch groupings; padding does not change a row's outputs. */
class DropoutReplayAndPaddingTest {
    private static final BertConfig CFG = EncoderTestFixtures.micro();

    private static BertEncoderModel model(Pooling pooling) {
        return new BertEncoderModel(BertParameters.randomInit(CFG, 3, 5L, DataType.DOUBLE),
                pooling);
    }

    @Test
    void sameSeedsReplayIdenticalOutputsAndOtherSeedsDiffer() {
        BertEncoderModel m = model(Pooling.CLS);
        EncoderBatch b = EncoderTestFixtures.batch(CFG, 3, 7, 1L, true, true);
        INDArray first = m.forward(b, true).pooled();
        INDArray second = m.forward(b, true).pooled();
        assertEquals(first, second, "same seeds must replay the same masks");

        long[] other = b.dropoutSeeds().clone();
        other[0] ^= 12345L;
        EncoderBatch b2 = new EncoderBatch(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), b.labelPositions(), other);
        INDArray changed = m.forward(b2, true).pooled();
        assertFalse(changed.getRow(0).equalsWithEps(first.getRow(0), 1e-9), "another seed must drop other units");
        assertTrue(changed.getRow(1).equalsWithEps(first.getRow(1), 1e-12), "row 1's seed did not change");

        INDArray eval = m.forward(b, false).pooled();
        EncoderBatch noSeeds = new EncoderBatch(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), b.labelPositions(),
                null);
        assertEquals(eval, m.forward(noSeeds, true).pooled(), "training=false means no dropout");
        assertFalse(eval.equalsWithEps(first, 1e-6), "dropout must change the training output");
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void microBatchesReplayRowsAndTheirGradientsSumToTheFullBatch(Pooling pooling) {
        BertEncoderModel m = model(pooling);
        BertParameters p = m.parameters();
        EncoderBatch full = EncoderTestFixtures.batch(CFG, 4, 7, 2L, true, true);
        INDArray gPooled = EncoderTestFixtures.randn(3, DataType.DOUBLE, 4, CFG.hiddenSize());
        INDArray gLogits = EncoderTestFixtures.randn(4, DataType.DOUBLE, 4, 3);
        INDArray gLabels = EncoderTestFixtures.randn(5, DataType.DOUBLE, 4, 2, CFG.hiddenSize());

        ForwardState fs = m.forward(full, true);
        INDArray fullPooled = fs.pooled();
        INDArray fullLabels = fs.labelFeatures();
        INDArray gFull = Nd4j.zeros(DataType.DOUBLE, p.size());
        m.backward(fs, gPooled, gLogits, gLabels, gFull);

        INDArray gSplit = Nd4j.zeros(DataType.DOUBLE, p.size());
        int[][] parts = {{0, 1}, {1, 4}};
        for (int[] r : parts) {
            EncoderBatch mb = full.rows(r[0], r[1]);
            ForwardState s = m.forward(mb, true);
            for (int i = r[0]; i < r[1]; i++) {
                assertTrue(s.pooled().getRow(i - r[0]).equalsWithEps(fullPooled.getRow(i), 1e-12),
                        "row " + i + " pooled differs between micro-batch and full batch");
                assertTrue(s.labelFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.point(i - r[0]))
                        .equalsWithEps(fullLabels.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)), 1e-12));
            }
            m.backward(s, rows(gPooled, r), rows(gLogits, r), rows(gLabels, r), gSplit);
        }
        double maxDiff = gFull.sub(gSplit).amaxNumber().doubleValue();
        double scale = gFull.amaxNumber().doubleValue();
        assertTrue(scale > 0);
        assertTrue(maxDiff <= 1e-10 * scale, "summed micro-batch gradients differ by " + maxDiff + " (scale " + scale + ")");
    }

    private static INDArray rows(INDArray a, int[] r) {
        return a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(r[0], r[1])).dup();
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void extraPaddingDoesNotChangeARowsOutputsEvenWithDropout(Pooling pooling) {
        BertEncoderModel m = model(pooling);
        EncoderBatch b = EncoderTestFixtures.batch(CFG, 3, 7, 3L, true, true);
        EncoderBatch padded = pad(b, 12, CFG.padTokenId());
        for (boolean training : new boolean[]{false, true}) {
            ForwardState s1 = m.forward(b, training);
            INDArray pooled = s1.pooled();
            INDArray logits = s1.logits();
            INDArray labels = s1.labelFeatures();
            ForwardState s2 = m.forward(padded, training);
            assertTrue(pooled.equalsWithEps(s2.pooled(), 1e-10), "pooled changed with padding (training=" + training + ")");
            assertTrue(logits.equalsWithEps(s2.logits(), 1e-10));
            assertTrue(labels.equalsWithEps(s2.labelFeatures(), 1e-10));
        }
    }

    @Test
    void robertaPositionsIgnorePadding() {
        BertConfig rc = EncoderTestFixtures.microRoberta();
        BertEncoderModel m = new BertEncoderModel(BertParameters.randomInit(rc, 2, 9L, DataType.DOUBLE), Pooling.MEAN);
        EncoderBatch b = EncoderTestFixtures.batch(rc, 3, 7, 4L, false, true);
        INDArray pooled = m.forward(b, true).pooled();
        assertTrue(pooled.equalsWithEps(m.forward(pad(b, 11, rc.padTokenId()), true).pooled(), 1e-10));
    }

    @Test
    void staleStatesAndBadInputsAreRejected() {
        BertEncoderModel m = model(Pooling.CLS);
        EncoderBatch b = EncoderTestFixtures.batch(CFG, 2, 6, 5L, false, false);
        ForwardState old = m.forward(b, true);
        m.forward(b, true);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, m.parameters().size());
        assertThrows(IllegalStateException.class, () -> m.backward(old, null, null, null, g));
        int[][] ids = {{1, 2, CFG.vocabSize()}};
        int[][] mask = {{1, 1, 1}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(new EncoderBatch(ids, mask, null, null, null), false));
        assertTrue(e.getMessage().contains("row 0 position 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EncoderBatch(ids, new int[][]{{1, 1}}, null, null, null));
    }

    @Test
    void frozenWordEmbeddingsGetNoGradient() {
        BertEncoderModel m = model(Pooling.CLS);
        EncoderBatch b = EncoderTestFixtures.batch(CFG, 2, 6, 6L, false, false);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, m.parameters().size());
        m.freezeWordEmbeddings(true);
        m.backward(m.forward(b, true), EncoderTestFixtures.randn(1, DataType.DOUBLE, 2, CFG.hiddenSize()), null, null, g);
        assertEquals(0.0, m.parameters().tensorIn(g, BertParameters.WORD_EMBEDDINGS).amaxNumber().doubleValue());
        assertTrue(m.parameters().tensorIn(g, BertParameters.POSITION_EMBEDDINGS).amaxNumber().doubleValue() > 0);
        m.freezeWordEmbeddings(false);
        g.assign(0);
        m.backward(m.forward(b, true), EncoderTestFixtures.randn(1, DataType.DOUBLE, 2, CFG.hiddenSize()), null, null, g);
        assertTrue(m.parameters().tensorIn(g, BertParameters.WORD_EMBEDDINGS).amaxNumber().doubleValue() > 0);
    }

    /** The same rows padded (id pad, mask 0) to length t; label positions and seeds unchanged. */
    static EncoderBatch pad(EncoderBatch b, int t, int padId) {
        int n = b.size();
        int[][] ids = new int[n][];
        int[][] mask = new int[n][];
        int[][] types = new int[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = Arrays.copyOf(b.inputIds()[i], t);
            Arrays.fill(ids[i], b.seqLength(), t, padId);
            mask[i] = Arrays.copyOf(b.attentionMask()[i], t);
            types[i] = Arrays.copyOf(b.tokenTypeIds()[i], t);
        }
        return new EncoderBatch(ids, mask, types, b.labelPositions(), b.dropoutSeeds());
    }
}
