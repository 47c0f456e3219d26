package io.sparkcl.model.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * BERT WordPiece tokenizer built from a {@code vocab.txt}: {@link BertBasicTokenizer} (clean-up, CJK,
 * lower-casing / accent stripping as configured, punctuation split) then greedy longest-match-first
 * WordPiece with {@code ##} continuations and {@code [UNK]} for words that cannot be split.
 *
 * <p>Special tokens written literally in the text ({@code [CLS]}, {@code [SEP]}, {@code [PAD]},
 * {@code [MASK]}, {@code [UNK]}) are kept whole, as HuggingFace tokenizers do. Immutable and thread-safe;
 * {@link #close()} does nothing.
 */
public final class WordPieceTokenizer extends TemplateTokenizer {

    private static final List<String> SPECIAL_TOKENS = List.of("[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]");

    private final WordPieceVocabulary vocabulary;
    private final BertBasicTokenizer basic;
    private final List<String> specialTokens;

    WordPieceTokenizer(WordPieceVocabulary vocabulary, boolean lowercase, boolean stripAccents,
                       boolean handleChineseChars, String source) {
        super(templateOf(vocabulary, source), vocabulary.size());
        this.vocabulary = vocabulary;
        this.basic = new BertBasicTokenizer(lowercase, stripAccents, handleChineseChars);
        List<String> present = new ArrayList<>();
        for (String t : SPECIAL_TOKENS) {
            if (vocabulary.id(t) >= 0) {
                present.add(t);
            }
        }
        this.specialTokens = List.copyOf(present);
    }

    private static InputTemplate templateOf(WordPieceVocabulary v, String source) {
        int cls = require(v, "[CLS]", source);
        int sep = require(v, "[SEP]", source);
        int pad = require(v, "[PAD]", source);
        return new InputTemplate(cls, sep, pad, v.unkId(), false, 1);
    }

    private static int require(WordPieceVocabulary v, String token, String source) {
        int id = v.id(token);
        if (id < 0) {
            throw new IllegalArgumentException("WordPiece vocabulary " + source + " has no " + token + " token");
        }
        return id;
    }

    @Override
    int[] pieces(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        int start = 0;
        while (start < text.length()) {
            int specialAt = -1;
            String special = null;
            for (String t : specialTokens) {
                int at = text.indexOf(t, start);
                if (at >= 0 && (specialAt < 0 || at < specialAt)) {
                    specialAt = at;
                    special = t;
                }
            }
            int end = specialAt < 0 ? text.length() : specialAt;
            appendWords(text.substring(start, end), out);
            if (special == null) {
                break;
            }
            out.add(vocabulary.id(special));
            start = specialAt + special.length();
        }
        return out.toArray();
    }

    private void appendWords(String text, IntList out) {
        if (text.isEmpty()) {
            return;
        }
        for (String word : basic.split(text)) {
            vocabulary.split(word, out);
        }
    }

    @Override
    int[][] labelSegmentPieces(List<String> labelNames) {
        // WordPiece splits on whitespace first, so each name tokenises the same alone or in the joined segment.
        int[][] ids = new int[labelNames.size()][];
        for (int k = 0; k < ids.length; k++) {
            ids[k] = pieces(labelNames.get(k));
        }
        return ids;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
