package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dropout masks, as the portable path (float arrays) and the fused path (words written into native buffers) make
 * them, against the definition computed one entry at a time: entry with counter c keeps when the 32-bit lane
 * (low half for even c, high half for odd c) of mix64(siteKey + (c / 2) * golden) is at least floor(p * 2^32). Odd and
 * even lengths and widths, and a mask view starting at an odd float position.
 */
class DropoutMasksTest {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long[] SEEDS = {7L, -3L, 1_000_003L, Long.MAX_VALUE};

    /** The mask entry of a counter, from the definition. */
    private static float reference(long key, long counter, double p) {
        long hash = DropoutMasks.mix64(key + (counter >>> 1) * GOLDEN);
        long lane = (counter & 1) == 0 ? hash & 0xFFFFFFFFL : hash >>> 32;
        return lane >= (long) Math.floor(p * 4294967296.0) ? (float) (1.0 / (1.0 - p)) : 0f;
    }

    private static float[] referenceHidden(int t, int width, int layer, int site, double p) {
        float[] mask = new float[SEEDS.length * t * width];
        for (int i = 0; i < SEEDS.length; i++) {
            long key = DropoutMasks.siteKey(SEEDS[i], layer, site);
            for (int c = 0; c < t * width; c++) {
                mask[i * t * width + c] = reference(key, c, p);
            }
        }
        return mask;
    }

    private static float[] referenceAttention(int heads, int t, int layer, double p) {
        float[] mask = new float[SEEDS.length * heads * t * t];
        int e = 0;
        for (long seed : SEEDS) {
            long key = DropoutMasks.siteKey(seed, layer, DropoutMasks.SITE_ATTENTION_PROBS);
            for (long h = 0; h < heads; h++) {
                for (long q = 0; q < t; q++) {
                    for (long k = 0; k < t; k++) {
                        mask[e++] = reference(key, h << 42 | q << 21 | k, p);
                    }
                }
            }
        }
        return mask;
    }

    @Test
    void hiddenMasksFollowTheDefinitionOnBothPaths() {
        for (int[] tw : new int[][]{{64, 384}, {7, 5}, {3, 32}}) {
            int t = tw[0];
            int width = tw[1];
            for (double p : new double[]{0.1, 0.5}) {
                float[] expected = referenceHidden(t, width, 2, DropoutMasks.SITE_FFN_OUT, p);
                assertArrayEquals(expected, DropoutMasks.hidden(SEEDS, t, width, 2, DropoutMasks.SITE_FFN_OUT, p),
                        "portable hidden mask, T=" + t + " width=" + width);
                for (int start : new int[]{0, 1}) {
                    INDArray all = filledWithMinusOne(start + expected.length + 3);
                    INDArray mask = all.get(NDArrayIndex.interval(start, start + expected.length));
                    new FusedKernels().hiddenDropoutMask(mask, SEEDS, t, width, 2, DropoutMasks.SITE_FFN_OUT, p);
                    assertArrayEquals(expected, mask.dup().data().asFloat(),
                            "fused hidden mask, T=" + t + " width=" + width + " at " + start);
                    assertUntouchedAround(all, start, expected.length);
                }
                assertKeptShare(expected, p);
            }
        }
    }

    @Test
    void attentionMasksFollowTheDefinitionOnBothPaths() {
        for (int t : new int[]{64, 7, 1}) {
            int heads = 3;
            float[] expected = referenceAttention(heads, t, 4, 0.1);
            assertArrayEquals(expected, DropoutMasks.attention(SEEDS, heads, t, 4, 0.1), "portable attention mask, T=" + t);
            for (int start : new int[]{0, 1}) {
                INDArray all = filledWithMinusOne(start + expected.length + 3);
                INDArray mask = all.get(NDArrayIndex.interval(start, start + expected.length));
                new FusedKernels().attentionDropoutMask(mask, SEEDS, heads, t, 4, 0.1);
                assertArrayEquals(expected, mask.dup().data().asFloat(), "fused attention mask, T=" + t + " at " + start);
                assertUntouchedAround(all, start, expected.length);
            }
        }
    }

    private static INDArray filledWithMinusOne(int length) {
        return Nd4j.valueArrayOf(new long[]{length}, -1f, DataType.FLOAT);
    }

    /** The fused kernels write the mask view and nothing around it. */
    private static void assertUntouchedAround(INDArray whole, int start, int length) {
        float[] all = whole.data().asFloat();
        for (int i = 0; i < start; i++) {
            assertEquals(-1f, all[i], "written before the mask at " + i);
        }
        for (int i = start + length; i < all.length; i++) {
            assertEquals(-1f, all[i], "written after the mask at " + i);
        }
    }

    private static void assertKeptShare(float[] mask, double p) {
        long kept = 0;
        for (float v : mask) {
            kept += v != 0f ? 1 : 0;
        }
        double share = (double) kept / mask.length;
        assertTrue(Math.abs(share - (1 - p)) < 0.05 + 3.0 / Math.sqrt(mask.length), "kept share " + share + ", p=" + p);
    }
}
