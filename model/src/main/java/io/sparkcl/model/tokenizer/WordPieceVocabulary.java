package io.sparkcl.model.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A WordPiece vocabulary (one token per line, the line number is the id) and the greedy
 * longest-match-first split of a word into pieces, continuation pieces prefixed with {@code ##}.
 *
 * <p>Immutable and thread-safe.
 */
final class WordPieceVocabulary {

    static final String CONTINUATION_PREFIX = "##";
    /** Words longer than this (in code points) become [UNK], as in BERT. */
    static final int MAX_INPUT_CHARS_PER_WORD = 100;

    private final Map<String, Integer> ids;
    private final int size;
    private final int unkId;

    WordPieceVocabulary(List<String> tokens, String unkToken, String source) {
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            // First occurrence wins (vocab.txt files occasionally repeat a line).
            ids.putIfAbsent(tokens.get(i), i);
        }
        this.size = tokens.size();
        Integer unk = ids.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("WordPiece vocabulary " + source + " has no unknown token " + unkToken);
        }
        this.unkId = unk;
    }

    static WordPieceVocabulary read(InputStream in, String unkToken, String source) throws IOException {
        List<String> tokens = new ArrayList<>(32000);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                // Tokens are whole lines; only the line terminator is removed (a token may be a space-like char).
                tokens.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            }
        }
        if (tokens.isEmpty()) {
            throw new IOException("WordPiece vocabulary " + source + " is empty");
        }
        return new WordPieceVocabulary(tokens, unkToken, source);
    }

    int size() {
        return size;
    }

    int unkId() {
        return unkId;
    }

    /** Id of a whole token, or -1. */
    int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** Appends the ids of {@code word}'s pieces; a word that cannot be split completely becomes [UNK]. */
    void split(String word, IntList out) {
        int length = word.codePointCount(0, word.length());
        if (length > MAX_INPUT_CHARS_PER_WORD) {
            out.add(unkId);
            return;
        }
        int mark = out.size();
        int start = 0; // char index
        while (start < word.length()) {
            int end = word.length();
            int found = -1;
            int foundEnd = -1;
            while (end > start) {
                String piece = word.substring(start, end);
                if (start > 0) {
                    piece = CONTINUATION_PREFIX + piece;
                }
                Integer id = ids.get(piece);
                if (id != null) {
                    found = id;
                    foundEnd = end;
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found < 0) {
                out.truncate(mark);
                out.add(unkId);
                return;
            }
            out.add(found);
            start = foundEnd;
        }
    }
}
