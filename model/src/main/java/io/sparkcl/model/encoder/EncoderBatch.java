package io.sparkcl.model.encoder;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A padded batch of tokenised rows for {@link BertEncoderModel}.
 *
 * @param inputIds       [n][T] token ids, every row padded to the same length T
 * @param attentionMask  [n][T] 1 for real tokens, 0 for padding
 * @param tokenTypeIds   [n][T] segment ids (nullable: all 0)
 * @param labelPositions DualCL: {@code labelPositions[i][k]} = the token positions of label k in row i (every row the
 *                       same number of labels K, each label at least one position); null when not DualCL
 * @param dropoutSeeds   one seed per ROW; null means no dropout even when training. Dropout masks are a pure function of
 *                       (row seed, layer, site, position), so replaying a batch (or any regrouping of its rows into
 *                       micro-batches) replays the same masks.
 */
public record EncoderBatch(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[][][] labelPositions,
                           long[] dropoutSeeds) implements Serializable {

    public EncoderBatch {
        if (inputIds == null || attentionMask == null) {
            throw new IllegalArgumentException("EncoderBatch: inputIds and attentionMask are required");
        }
        int n = inputIds.length;
        if (n == 0) {
            throw new IllegalArgumentException("EncoderBatch: empty batch");
        }
        int t = inputIds[0].length;
        if (t == 0) {
            throw new IllegalArgumentException("EncoderBatch: row 0 has length 0");
        }
        checkRect("inputIds", inputIds, n, t);
        checkRect("attentionMask", attentionMask, n, t);
        if (tokenTypeIds != null) {
            checkRect("tokenTypeIds", tokenTypeIds, n, t);
        }
        if (dropoutSeeds != null && dropoutSeeds.length != n) {
            throw new IllegalArgumentException("EncoderBatch: dropoutSeeds has " + dropoutSeeds.length + " entries for "
                    + n + " rows");
        }
        if (labelPositions != null) {
            if (labelPositions.length != n) {
                throw new IllegalArgumentException("EncoderBatch: labelPositions has " + labelPositions.length
                        + " rows, expected " + n);
            }
            int k = labelPositions[0] == null ? -1 : labelPositions[0].length;
            for (int i = 0; i < n; i++) {
                if (labelPositions[i] == null || labelPositions[i].length != k || k == 0) {
                    throw new IllegalArgumentException("EncoderBatch: labelPositions row " + i
                            + " must list the same (non-zero) number of labels as row 0 (" + k + ")");
                }
                for (int j = 0; j < k; j++) {
                    int[] pos = labelPositions[i][j];
                    if (pos == null || pos.length == 0) {
                        throw new IllegalArgumentException("EncoderBatch: row " + i + " label " + j + " has no positions");
                    }
                    for (int p : pos) {
                        if (p < 0 || p >= t) {
                            throw new IllegalArgumentException("EncoderBatch: row " + i + " label " + j + " position "
                                    + p + " outside [0," + t + ")");
                        }
                    }
                }
            }
        }
    }

    private static void checkRect(String what, int[][] a, int n, int t) {
        if (a.length != n) {
            throw new IllegalArgumentException("EncoderBatch: " + what + " has " + a.length + " rows, expected " + n);
        }
        for (int i = 0; i < n; i++) {
            if (a[i] == null || a[i].length != t) {
                throw new IllegalArgumentException("EncoderBatch: " + what + " row " + i + " has length "
                        + (a[i] == null ? "null" : a[i].length) + ", expected " + t + " (rows must be padded)");
            }
        }
    }

    /** Number of rows n. */
    public int size() {
        return inputIds.length;
    }

    /** Padded sequence length T. */
    public int seqLength() {
        return inputIds[0].length;
    }

    /** Number of DualCL labels K (0 when labelPositions is null). */
    public int numLabelFeatures() {
        return labelPositions == null ? 0 : labelPositions[0].length;
    }

    /** Rows [from, to) as a new batch (arrays shared, not copied): a micro-batch. */
    public EncoderBatch rows(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("EncoderBatch.rows: bad range [" + from + "," + to + ") of " + size());
        }
        return new EncoderBatch(Arrays.copyOfRange(inputIds, from, to), Arrays.copyOfRange(attentionMask, from, to),
                tokenTypeIds == null ? null : Arrays.copyOfRange(tokenTypeIds, from, to),
                labelPositions == null ? null : Arrays.copyOfRange(labelPositions, from, to),
                dropoutSeeds == null ? null : Arrays.copyOfRange(dropoutSeeds, from, to));
    }
}
