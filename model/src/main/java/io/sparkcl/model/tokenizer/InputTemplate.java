package io.sparkcl.model.tokenizer;

import java.io.Serializable;

/**
 * How special tokens frame one or two sequences.
 * <ul>
 *   <li>BERT: {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}, segment B with token type 1;</li>
 *   <li>RoBERTa: {@code <s> A </s>} and {@code <s> A </s></s> B </s>}, every token type 0.</li>
 * </ul>
 *
 * @param doubleSeparator whether two separators stand between segments (RoBERTa)
 * @param secondTypeId    the token type of the second segment (1 for BERT, 0 for RoBERTa)
 */
public record InputTemplate(int clsId, int sepId, int padId, int unkId, boolean doubleSeparator, int secondTypeId)
        implements Serializable {

    /** Number of special tokens added to a single sequence (2) or a pair (3 for BERT, 4 for RoBERTa). */
    public int specialTokens(boolean pair) {
        return pair ? (doubleSeparator ? 4 : 3) : 2;
    }

    /** Separators between two segments: 1 for BERT, 2 for RoBERTa. */
    public int separatorsBetween() {
        return doubleSeparator ? 2 : 1;
    }
}
