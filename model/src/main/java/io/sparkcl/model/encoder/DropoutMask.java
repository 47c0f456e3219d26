package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * A dropout mask as the kernels read it: a matrix [rows, width] of 0 and 1/(1-p). The training step's masks are
 * {@linkplain #hidden hashed}: a kernel that reads rows regenerates them from {@link DropoutMasks}' counter hash, so
 * no mask is written to memory, and the backward pass reads the same entries again for the price of hashing them
 * (cheaper than storing and re-reading a mask the size of the activations). A {@linkplain #stored stored} mask wraps
 * an array (tests). The portable kernels take the whole mask as an array ({@link #materialise}).
 */
abstract class DropoutMask {
    final int rows;
    final int width;

    private DropoutMask(int rows, int width) {
        this.rows = rows;
        this.width = width;
    }

    /** Reads rows of the mask; one per thread (it owns scratch). */
    interface Reader {
        /** Rows [first, first + count) into {@code out} from index 0, row after row. */
        void rows(int first, int count, float[] out);
    }

    abstract Reader reader();

    /** The whole mask as an array [rows, width]. */
    abstract INDArray materialise(DataType type);

    /** An existing [rows, width] array (c order) used as the mask. */
    static DropoutMask stored(INDArray mask) {
        return new Stored(mask);
    }

    /**
     * The mask [n*T, width] of a hidden-state site ({@link DropoutMasks#hiddenRowWords}): row r is token r % T of
     * batch row r / T, its entry j has counter (r % T) * width + j.
     */
    static DropoutMask hidden(long[] seeds, int t, int width, int layer, int site, double p) {
        return new Hashed(seeds.length * t, width, seeds, layer, site, p) {
            @Override
            int batchRowOf(int row) {
                return row / t;
            }

            @Override
            long firstCounter(int row) {
                return (long) (row % t) * width;
            }

            @Override
            INDArray materialise(DataType type) {
                return array(DropoutMasks.hidden(seeds, t, width, layer, site, p), type);
            }
        };
    }

    /**
     * The attention-probability mask [n*H*T, T] ({@link DropoutMasks#attentionBlockWords}): row r is query r % T of
     * block r / T = (batch row, head), its entry k has counter (head, query, k) packed in 21-bit fields.
     */
    static DropoutMask attention(long[] seeds, int heads, int t, int layer, double p) {
        return new Hashed(seeds.length * heads * t, t, seeds, layer, DropoutMasks.SITE_ATTENTION_PROBS, p) {
            @Override
            int batchRowOf(int row) {
                return row / t / heads;
            }

            @Override
            long firstCounter(int row) {
                return DropoutMasks.attentionCounter(row / t % heads, row % t, 0);
            }

            @Override
            INDArray materialise(DataType type) {
                return array(DropoutMasks.attention(seeds, heads, t, layer, p), type);
            }
        };
    }

    final INDArray array(float[] mask, DataType type) {
        return Nd4j.createFromArray(mask).reshape(rows, width).castTo(type);
    }

    private abstract static class Hashed extends DropoutMask {
        private final long[] seeds;
        private final int layer;
        private final int site;
        private final long threshold;
        private final float scale;

        Hashed(int rows, int width, long[] seeds, int layer, int site, double p) {
            super(rows, width);
            this.seeds = seeds;
            this.layer = layer;
            this.site = site;
            this.threshold = DropoutMasks.threshold(p);
            this.scale = DropoutMasks.scale(p);
        }

        abstract int batchRowOf(int row);

        /** The counter of the row's first entry; the row's entries have consecutive counters. */
        abstract long firstCounter(int row);

        /**
         * Per row: the words of its counters (from the even counter at or before its first), written as longs into a
         * small native scratch and read back as floats from the row's first entry. The scratch stays in cache.
         */
        @Override
        Reader reader() {
            long[] words = DropoutMasks.wordScratch(width + 1);
            ByteBuffer bytes = ByteBuffer.allocateDirect(Long.BYTES * words.length).order(ByteOrder.nativeOrder());
            LongBuffer asLongs = bytes.asLongBuffer();
            FloatBuffer asFloats = bytes.asFloatBuffer();
            return new Reader() {
                private int keyRow = -1;
                private long key;

                @Override
                public void rows(int first, int count, float[] out) {
                    for (int r = first; r < first + count; r++) {
                        int batchRow = batchRowOf(r);
                        if (batchRow != keyRow) {
                            key = DropoutMasks.siteKey(seeds[batchRow], layer, site);
                            keyRow = batchRow;
                        }
                        long counter = firstCounter(r);
                        int skip = (int) (counter & 1);
                        DropoutMasks.fillWords(key, counter - skip, width + skip, threshold, scale, words, 0);
                        asLongs.put(0, words, 0, (width + skip + 1) >>> 1);
                        asFloats.get(skip, out, (r - first) * width, width);
                    }
                }
            };
        }
    }

    private static final class Stored extends DropoutMask {
        private final INDArray mask;

        Stored(INDArray mask) {
            super((int) mask.size(0), (int) mask.size(1));
            this.mask = mask;
        }

        @Override
        Reader reader() {
            FloatBuffer b = mask.data().asNioFloat();
            int offset = (int) mask.offset();
            return (first, count, out) -> b.get(offset + first * width, out, 0, count * width);
        }

        @Override
        INDArray materialise(DataType type) {
            return mask.castTo(type);
        }
    }
}
