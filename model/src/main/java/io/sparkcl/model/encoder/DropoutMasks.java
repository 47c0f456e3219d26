package io.sparkcl.model.encoder;

import java.nio.ByteOrder;
import java.util.stream.IntStream;

/**
 * Inverted-dropout masks from a counter-based hash (splitmix64): the mask entry of row i at a given site and position
 * is a pure function of (dropoutSeeds[i], layer, site, position). So a second pass over the same rows, or over the
 * same rows grouped into other micro-batches (or padded to another length), replays exactly the same masks.
 *
 * <p>Mask values are 0 (dropped) or 1/(1-p) (kept), in float whatever the model's precision (the float64 reference
 * uses the same masks). Two 32-bit uniforms are taken from each 64-bit hash. The kernels get them as "words", two
 * entries per long, which they write to float buffers as longs.
 */
final class DropoutMasks {
    /** Sites of one layer. */
    static final int SITE_ATTENTION_OUT = 0;
    static final int SITE_ATTENTION_PROBS = 1;
    static final int SITE_FFN_OUT = 2;
    /** Embedding output dropout uses layer index -1, site 3. */
    static final int SITE_EMBEDDINGS = 3;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** Position counters of attention probabilities: (head, query, key) packed in 21 bits each. */
    private static final int ATT_BITS = 21;

    private DropoutMasks() {
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long siteKey(long rowSeed, int layer, int site) {
        return mix64(rowSeed ^ mix64(((long) (layer + 1) << 8 | site) * GOLDEN + 0x632BE59BD9B4E019L));
    }

    /** Entry 2i of a word in its low 32 bits on a little-endian machine (so a word is two floats in memory order). */
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final int EVEN_SHIFT = LITTLE_ENDIAN ? 0 : 32;
    private static final int ODD_SHIFT = 32 - EVEN_SHIFT;
    private static final long LOW_HALF = 0xFFFFFFFFL;

    /**
     * i * GOLDEN for i = 0, 1, ...: the hash loop reads its counters from here (C2 does not vectorise long(i) * c).
     * Made at class initialisation for rows of up to 2^14 entries, so that growing it (rare) does not send the hash
     * loop's compiled code through a deoptimisation in the middle of training (measured: 4x slower afterwards).
     */
    private static volatile long[] counterSteps = steps(1 << 13);

    private static long[] steps(int pairs) {
        long[] steps = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            steps[i] = i * GOLDEN;
        }
        return steps;
    }

    private static long[] counterSteps(int pairs) {
        long[] steps = counterSteps;
        if (steps.length < pairs) {
            synchronized (DropoutMasks.class) {
                steps = counterSteps;
                if (steps.length < pairs) {
                    steps = steps(Math.max(pairs, 2 * steps.length));
                    counterSteps = steps;
                }
            }
        }
        return steps;
    }

    /** The counter steps of a whole [T, T] attention block: see {@link #attentionBlockSteps}. */
    private record BlockSteps(int t, long[] steps) {
    }

    private static volatile BlockSteps blockSteps = new BlockSteps(0, new long[0]);

    /**
     * ((query &lt;&lt; 20) + j) * GOLDEN for pair j of query row q of a T x T attention block, row q from pair
     * q * ceil(T/2): the offsets of the block's counter pairs from its (head, 0, 0) pair, so that one hash loop
     * covers the whole block (rows of T = 64 entries are too short for the vectorised loop to pay off one by one).
     */
    private static long[] attentionBlockSteps(int t) {
        BlockSteps b = blockSteps;
        if (b.t() != t) {
            int perRow = (t + 1) >>> 1;
            long[] steps = new long[t * perRow];
            for (int q = 0; q < t; q++) {
                for (int j = 0; j < perRow; j++) {
                    steps[q * perRow + j] = (((long) q << (ATT_BITS - 1)) + j) * GOLDEN;
                }
            }
            b = new BlockSteps(t, steps);
            blockSteps = b;
        }
        return b.steps();
    }

    /**
     * The mask entries of counters base + i, i in [0, count), base even, as words: words[w + i/2] holds entries
     * (2j, 2j + 1) as two float bit patterns laid out in native byte order (0 or the bits of scale each), so written
     * to a float buffer as longs they are the entries in order. The two lanes of a counter pair (c, c + 1) come from
     * one 64-bit hash of c/2: the low 32 bits decide even c, the high 32 bits odd c; an entry is kept when its lane
     * is at least {@code threshold}.
     */
    static void fillWords(long key, long base, int count, long threshold, float scale, long[] words, int w) {
        hashWords(key + (base >>> 1) * GOLDEN, counterSteps((count + 1) >>> 1), (count + 1) >>> 1, threshold, scale,
                words, w);
    }

    /**
     * words[w + i] = the two mask entries of the counter pair hashed from start + steps[i], i in [0, pairs). Two
     * short branch-free loops over long arrays, so that C2 vectorises both.
     */
    private static void hashWords(long start, long[] steps, int pairs, long threshold, float scale, long[] words,
                                  int w) {
        for (int i = 0; i < pairs; i++) {
            words[w + i] = mix64(start + steps[i]);
        }
        long kept = Float.floatToRawIntBits(scale) & LOW_HALF;
        for (int i = 0; i < pairs; i++) {
            long r = words[w + i];
            words[w + i] = entry(r & LOW_HALF, threshold, kept) << EVEN_SHIFT
                    | entry(r >>> 32, threshold, kept) << ODD_SHIFT;
        }
    }

    /** {@code kept} when lane >= threshold, else 0 (both below 2^32 + 1, so the difference's sign decides). */
    private static long entry(long lane, long threshold, long kept) {
        return (((lane - threshold) >>> 63) - 1) & kept;
    }

    /** Entry i of words written by {@link #fillWords} from word w. */
    static float entryOf(long[] words, int w, int i) {
        return Float.intBitsToFloat((int) (words[w + (i >>> 1)] >>> ((i & 1) == 0 ? EVEN_SHIFT : ODD_SHIFT)));
    }

    static long threshold(double p) {
        return (long) Math.floor(p * 4294967296.0);
    }

    static float scale(double p) {
        return (float) (1.0 / (1.0 - p));
    }

    /** Words for up to {@code entries} mask entries. */
    static long[] wordScratch(int entries) {
        return new long[(entries + 1) >>> 1];
    }

    /**
     * The hidden-state mask of one batch row (T*width entries, c order) as words from words[0]: entry (token t, unit
     * j) uses counter t*width + j, independent of T.
     */
    static void hiddenRowWords(long seed, int t, int width, int layer, int site, double p, long[] words) {
        fillWords(siteKey(seed, layer, site), 0, t * width, threshold(p), scale(p), words, 0);
    }

    /**
     * The attention-probability mask [T, T] of one batch row and head as words, query row q from word
     * q * ceil(T/2): entry (query q, key k) uses counter (head, q, k) packed in 21-bit fields, independent of T.
     */
    static void attentionBlockWords(long seed, int head, int t, int layer, double p, long[] words) {
        long start = siteKey(seed, layer, SITE_ATTENTION_PROBS) + (attentionCounter(head, 0, 0) >>> 1) * GOLDEN;
        hashWords(start, attentionBlockSteps(t), t * ((t + 1) >>> 1), threshold(p), scale(p), words, 0);
    }

    /** The counter of attention-probability entry (head, query, key): the three packed in 21-bit fields. */
    static long attentionCounter(int head, int query, int key) {
        return ((long) head << (2 * ATT_BITS)) | ((long) query << ATT_BITS) | key;
    }

    /** The mask [n*T, width] (c order) of a hidden-state site: {@link #hiddenRowWords} for each row. */
    static float[] hidden(long[] seeds, int t, int width, int layer, int site, double p) {
        final int perRow = t * width;
        float[] mask = new float[seeds.length * perRow];
        IntStream.range(0, seeds.length).parallel().forEach(i -> {
            long[] words = wordScratch(perRow);
            hiddenRowWords(seeds[i], t, width, layer, site, p, words);
            for (int e = 0; e < perRow; e++) {
                mask[i * perRow + e] = entryOf(words, 0, e);
            }
        });
        return mask;
    }

    /** The mask [n*H, T, T] of the attention probabilities: {@link #attentionBlockWords} for each (row, head). */
    static float[] attention(long[] seeds, int heads, int t, int layer, double p) {
        final int tt = t * t;
        final int perRow = (t + 1) >>> 1;
        float[] mask = new float[seeds.length * heads * tt];
        IntStream.range(0, seeds.length * heads).parallel().forEach(ih -> {
            long[] words = new long[t * perRow];
            attentionBlockWords(seeds[ih / heads], ih % heads, t, layer, p, words);
            for (int q = 0; q < t; q++) {
                for (int k = 0; k < t; k++) {
                    mask[ih * tt + q * t + k] = entryOf(words, q * perRow, k);
                }
            }
        });
        return mask;
    }
}
