package io.sparkcl.model.encoder;

import java.util.stream.IntStream;

/**
 * Inverted-dropout masks from a counter-based hash (splitmix64): the mask entry of row i at a given site and position
 * is a pure function of (dropoutSeeds[i], layer, site, position). So a second pass over the same rows, or over the
 * same rows grouped into other micro-batches (or padded to another length), replays exactly the same masks.
 *
 * <p>Mask values are 0 (dropped) or 1/(1-p) (kept), in float whatever the model's precision (the float64 reference
 * uses the same masks). Two 32-bit uniforms are taken from each 64-bit hash.
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

    /**
     * mask[o + i] = kept(counter base + i) ? scale : 0 for i in [0, count), base even: the two lanes of a counter pair
     * (c, c + 1) come from one 64-bit hash of c/2 (low half for even c, high half for odd c), computed once. The
     * hashes go through {@code hashes} first: that loop has no branch and no store to the mask, so C2 vectorises it.
     */
    private static void fill(long key, long base, int count, long threshold, float scale, float[] mask, int o,
                             long[] hashes) {
        int pairs = (count + 1) >>> 1;
        long first = base >>> 1;
        for (int i = 0; i < pairs; i++) {
            hashes[i] = mix64(key + (first + i) * GOLDEN);
        }
        for (int i = 0; i < count; i++) {
            long r = hashes[i >>> 1];
            long lane = (i & 1) == 0 ? r & 0xFFFFFFFFL : r >>> 32;
            mask[o + i] = lane >= threshold ? scale : 0f;
        }
    }

    private static long threshold(double p) {
        return (long) Math.floor(p * 4294967296.0);
    }

    /** Scratch for {@link #hiddenRow}/{@link #attentionBlock} of up to {@code entries} mask entries. */
    static long[] hashScratch(int entries) {
        return new long[(entries + 1) >>> 1];
    }

    /**
     * The hidden-state mask of one batch row (T*width entries, c order) into mask[o...]: entry (token t, unit j) uses
     * counter t*width + j, independent of T.
     */
    static void hiddenRow(long seed, int t, int width, int layer, int site, double p, float[] mask, int o,
                          long[] hashes) {
        fill(siteKey(seed, layer, site), 0, t * width, threshold(p), (float) (1.0 / (1.0 - p)), mask, o, hashes);
    }

    /**
     * The attention-probability mask [T, T] of one batch row and head into mask[o...]: entry (query q, key k) uses
     * counter (head, q, k) packed in 21-bit fields, independent of T.
     */
    static void attentionBlock(long seed, int head, int t, int layer, double p, float[] mask, int o, long[] hashes) {
        long key = siteKey(seed, layer, SITE_ATTENTION_PROBS);
        long thr = threshold(p);
        float scale = (float) (1.0 / (1.0 - p));
        for (int q = 0; q < t; q++) {
            fill(key, ((long) head << (2 * ATT_BITS)) | ((long) q << ATT_BITS), t, thr, scale, mask, o + q * t, hashes);
        }
    }

    /** The mask [n*T, width] (c order) of a hidden-state site: {@link #hiddenRow} for each row. */
    static float[] hidden(long[] seeds, int t, int width, int layer, int site, double p) {
        final int perRow = t * width;
        float[] mask = new float[seeds.length * perRow];
        IntStream.range(0, seeds.length).parallel().forEach(i ->
                hiddenRow(seeds[i], t, width, layer, site, p, mask, i * perRow, hashScratch(perRow)));
        return mask;
    }

    /** The mask [n*H, T, T] of the attention probabilities: {@link #attentionBlock} for each (row, head). */
    static float[] attention(long[] seeds, int heads, int t, int layer, double p) {
        final int tt = t * t;
        float[] mask = new float[seeds.length * heads * tt];
        IntStream.range(0, seeds.length * heads).parallel().forEach(ih ->
                attentionBlock(seeds[ih / heads], ih % heads, t, layer, p, mask, ih * tt, hashScratch(t)));
        return mask;
    }
}
