package io.sparkcl.model.tokenizer;

import java.io.Serializable;

/**
 * One tokenised example, unpadded: {@code inputIds.length == attentionMask.length == tokenTypeIds.length}.
 *
 * @param labelPositions for DualCL label-aware inputs: {@code labelPositions[k]} are the positions (in
 *                       {@code inputIds}) of the tokens of label k (in the order the labels were given);
 *                       {@code null} for plain inputs
 * @param truncated      whether the text was cut to fit the maximum length
 */
public record Encoding(int[] inputIds, int[] attentionMask, int[] tokenTypeIds, int[][] labelPositions,
                       boolean truncated) implements Serializable {
    public int length() {
        return inputIds.length;
    }
}
