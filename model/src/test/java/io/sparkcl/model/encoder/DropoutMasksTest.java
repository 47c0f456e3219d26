package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dropout masks, as the portable path (whole float arrays) and the fused kernels (rows regenerated from the hash
 * words by {@link DropoutMask.Reader}) read them, against the definition computed one entry at a time: entry with
 * counter c keeps when the 32-bit lane (low half for even c, high half for odd c) of mix64(siteKey + (c / 2) * golden)
 * is at least floor(p * 2^32). Odd and even lengths and widths (rows starting at odd counters), rows read one or
 * several at a time.
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
                DropoutMask hashed = DropoutMask.hidden(SEEDS, t, width, 2, DropoutMasks.SITE_FFN_OUT, p);
                assertArrayEquals(expected, hashed.materialise(DataType.FLOAT).data().asFloat(),
                        "materialised hidden mask, T=" + t + " width=" + width);
                for (int group : new int[]{1, 3}) {
                    assertArrayEquals(expected, readInGroups(hashed, group),
                            "hashed hidden mask read " + group + " rows at a time, T=" + t + " width=" + width);
                }
                assertArrayEquals(expected, readLastRowFirst(hashed),
                        "hashed hidden mask read from the last row back, T=" + t + " width=" + width);
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
            DropoutMask hashed = DropoutMask.attention(SEEDS, heads, t, 4, 0.1);
            assertArrayEquals(expected, hashed.materialise(DataType.FLOAT).data().asFloat(),
                    "materialised attention mask, T=" + t);
            for (int group : new int[]{t, 1, 5}) {
                assertArrayEquals(expected, readInGroups(hashed, group),
                        "hashed attention mask read " + group + " rows at a time, T=" + t);
            }
        }
    }

    /** The whole mask through one reader, {@code group} rows per call (the last call may read fewer). */
    private static float[] readInGroups(DropoutMask mask, int group) {
        float[] all = new float[mask.rows * mask.width];
        float[] rows = new float[group * mask.width];
        DropoutMask.Reader reader = mask.reader();
        for (int first = 0; first < mask.rows; first += group) {
            int count = Math.min(group, mask.rows - first);
            java.util.Arrays.fill(rows, -1f);
            reader.rows(first, count, rows);
            System.arraycopy(rows, 0, all, first * mask.width, count * mask.width);
            for (int i = count * mask.width; i < rows.length; i++) {
                assertEquals(-1f, rows[i], "written past the rows asked for, at " + i);
            }
        }
        return all;
    }

    /** The whole mask through one reader, one row per call from the last row to the first. */
    private static float[] readLastRowFirst(DropoutMask mask) {
        float[] all = new float[mask.rows * mask.width];
        float[] row = new float[mask.width];
        DropoutMask.Reader reader = mask.reader();
        for (int r = mask.rows - 1; r >= 0; r--) {
            reader.rows(r, 1, row);
            System.arraycopy(row, 0, all, r * mask.width, mask.width);
        }
        return all;
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
