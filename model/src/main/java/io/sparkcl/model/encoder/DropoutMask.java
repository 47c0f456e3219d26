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

    /** The mask of some rows: row i of the result is row {@code rowIds[i]} of this one. */
    DropoutMask rowsAt(int[] rowIds) {
        return new Subset(this, rowIds);
    }

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
            int rowsContinuing(int row) {
                return t - row % t;
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
            boolean wholeRows(int first, int count, long[] words) {
                if (count != t || first % t != 0) {
                    return false;
                }
                int block = first / t;
                DropoutMasks.attentionBlockWords(seeds[block / heads], block % heads, t, layer, p, words);
                return true;
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
        /** Rows hashed in one loop at most (short loops cost more per entry than the hash). */
        private static final int GROUP = 8;

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

        /** How many rows from {@code row} on continue its counters (so they can be hashed together). */
        int rowsContinuing(int row) {
            return 1;
        }

        /**
         * Writes the words of rows [first, first + count), ceil(width / 2) per row, in one go where the mask can (an
         * attention block: one hash loop over the block); false where it cannot.
         */
        boolean wholeRows(int first, int count, long[] words) {
            return false;
        }

        /**
         * The words go into a small native scratch as longs and come back as floats (from the first row's first
         * entry: a run of counters starting odd is hashed from the even counter before it); the scratch stays in
         * cache. Rows are made a group at a time and handed out from a row cache.
         */
        @Override
        Reader reader() {
            return new Reader() {
                private long[] words = new long[0];
                private LongBuffer asLongs;
                private FloatBuffer asFloats;
                private final float[] cache = new float[GROUP * width];
                private int cacheFirst = -1;
                private int cacheCount;
                private int keyRow = -1;
                private long key;

                @Override
                public void rows(int first, int count, float[] out) {
                    ensureScratch(count * (width + 1));
                    if (wholeRows(first, count, words)) {
                        copyOut(count, out);
                        return;
                    }
                    for (int r = first; r < first + count; r++) {
                        if (r < cacheFirst || r >= cacheFirst + cacheCount) {
                            refill(r);
                        }
                        System.arraycopy(cache, (r - cacheFirst) * width, out, (r - first) * width, width);
                    }
                }

                /** The cache gets rows [r, r + n) whose counters run on from row r's. */
                private void refill(int r) {
                    int n = Math.min(GROUP, Math.min(rowsContinuing(r), rows - r));
                    long counter = firstCounter(r);
                    int skip = (int) (counter & 1);
                    int entries = n * width + skip;
                    ensureScratch(entries);
                    DropoutMasks.fillWords(keyOf(r), counter - skip, entries, threshold, scale, words, 0);
                    asLongs.put(0, words, 0, (entries + 1) >>> 1);
                    asFloats.get(skip, cache, 0, n * width);
                    cacheFirst = r;
                    cacheCount = n;
                }

                /** Rows of ceil(width / 2) words each from the scratch's start into out. */
                private void copyOut(int count, float[] out) {
                    int perRow = (width + 1) >>> 1;
                    asLongs.put(0, words, 0, count * perRow);
                    if ((width & 1) == 0) {
                        asFloats.get(0, out, 0, count * width);
                    } else {
                        for (int row = 0; row < count; row++) {
                            asFloats.get(2 * row * perRow, out, row * width, width);
                        }
                    }
                }

                private long keyOf(int row) {
                    int batchRow = batchRowOf(row);
                    if (batchRow != keyRow) {
                        key = DropoutMasks.siteKey(seeds[batchRow], layer, site);
                        keyRow = batchRow;
                    }
                    return key;
                }

                private void ensureScratch(int entries) {
                    if (words.length < (entries + 1) >>> 1) {
                        words = DropoutMasks.wordScratch(entries);
                        ByteBuffer bytes = ByteBuffer.allocateDirect(Long.BYTES * words.length)
                                .order(ByteOrder.nativeOrder());
                        asLongs = bytes.asLongBuffer();
                        asFloats = bytes.asFloatBuffer();
                    }
                }
            };
        }
    }

    private static final class Subset extends DropoutMask {
        private final DropoutMask whole;
        private final int[] rowIds;

        Subset(DropoutMask whole, int[] rowIds) {
            super(rowIds.length, whole.width);
            this.whole = whole;
            this.rowIds = rowIds;
        }

        @Override
        Reader reader() {
            Reader rows = whole.reader();
            float[] row = new float[width];
            return (first, count, out) -> {
                for (int i = 0; i < count; i++) {
                    rows.rows(rowIds[first + i], 1, row);
                    System.arraycopy(row, 0, out, i * width, width);
                }
            };
        }

        @Override
        INDArray materialise(DataType type) {
            return Nd4j.pullRows(whole.materialise(type), 1, rowIds);
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
