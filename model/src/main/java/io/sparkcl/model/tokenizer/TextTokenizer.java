package io.sparkcl.model.tokenizer;

import java.util.List;

/**
 * A model's tokenizer (WordPiece or byte-level BPE), offline. Implementations are not required to be
 * serialisable: Spark executors rebuild them from a {@link TokenizerSpec}.
 */
public interface TextTokenizer extends AutoCloseable {

    /** [CLS] text [SEP] (or [CLS] text [SEP] pair [SEP] when {@code textPair != null}), truncated to maxLength. */
    Encoding encode(String text, String textPair, int maxLength);

    /** Batch version of {@link #encode}; {@code textPairs} may be null. */
    List<Encoding> encodeBatch(List<String> texts, List<String> textPairs, int maxLength);

    /**
     * DualCL label-aware input: {@code [CLS] l_1 … l_K [SEP] text [SEP]}, with the label names in the given
     * order as the first segment (token type 0) and the text as the second (token type 1). Only the text is
     * truncated; {@link Encoding#labelPositions()} gives each label's token positions (several for a
     * multi-token label name).
     */
    Encoding encodeWithLabels(List<String> labelNames, String text, String textPair, int maxLength);

    int padTokenId();

    int vocabSize();

    @Override
    void close();
}
