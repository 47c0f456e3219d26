package io.sparkcl.model;

import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.tokenizer.Encoding;

import java.util.List;

/**
 * Pads tokenised rows into an {@link EncoderBatch}: every row to the longest row of the batch (not to the
 * maximum length), with the tokenizer's padding id, attention mask 0 and token type 0 on padding.
 */
public final class EncoderInputs {

    private EncoderInputs() {
    }

    /** Pads {@code rows}; {@code dropoutSeeds} (one per row) may be null (no dropout). */
    public static EncoderBatch pad(List<Encoding> rows, int padTokenId, long[] dropoutSeeds) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("EncoderInputs.pad: no rows");
        }
        int n = rows.size();
        int t = 0;
        boolean labelAware = rows.get(0).labelPositions() != null;
        for (Encoding e : rows) {
            t = Math.max(t, e.length());
            if ((e.labelPositions() != null) != labelAware) {
                throw new IllegalArgumentException("EncoderInputs.pad: label-aware and plain rows mixed in one batch");
            }
        }
        int[][] ids = new int[n][t];
        int[][] mask = new int[n][t];
        int[][] types = new int[n][t];
        int[][][] positions = labelAware ? new int[n][][] : null;
        for (int i = 0; i < n; i++) {
            Encoding e = rows.get(i);
            int len = e.length();
            System.arraycopy(e.inputIds(), 0, ids[i], 0, len);
            System.arraycopy(e.attentionMask(), 0, mask[i], 0, len);
            System.arraycopy(e.tokenTypeIds(), 0, types[i], 0, len);
            for (int j = len; j < t; j++) {
                ids[i][j] = padTokenId;
            }
            if (labelAware) {
                positions[i] = e.labelPositions();
            }
        }
        return new EncoderBatch(ids, mask, types, positions, dropoutSeeds);
    }
}
