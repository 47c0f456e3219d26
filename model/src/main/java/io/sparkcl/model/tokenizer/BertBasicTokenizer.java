package io.sparkcl.model.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT "basic" tokenization, following HuggingFace tokenizers' {@code BertNormalizer} and
 * {@code BertPreTokenizer}: remove control characters and map whitespace to spaces, surround CJK
 * ideographs with spaces, optionally strip accents (NFD, drop non-spacing marks) and lower-case, then
 * split on whitespace and isolate every punctuation character.
 *
 * <p>Immutable and thread-safe.
 */
final class BertBasicTokenizer {

    private final boolean lowercase;
    private final boolean stripAccents;
    private final boolean handleChineseChars;

    BertBasicTokenizer(boolean lowercase, boolean stripAccents, boolean handleChineseChars) {
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.handleChineseChars = handleChineseChars;
    }

    /** Normalises {@code text} and splits it into words (each word is then split by WordPiece). */
    List<String> split(String text) {
        return preTokenize(normalize(text));
    }

    String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            if (isWhitespace(cp)) {
                cleaned.append(' ');
            } else if (handleChineseChars && isChineseChar(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        });
        String s = cleaned.toString();
        if (stripAccents) {
            String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
            StringBuilder sb = new StringBuilder(nfd.length());
            nfd.codePoints().filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK).forEach(sb::appendCodePoint);
            s = sb.toString();
        }
        if (lowercase) {
            StringBuilder sb = new StringBuilder(s.length());
            // Per code point, like Rust's char::to_lowercase (String.toLowerCase applies context rules).
            s.codePoints().forEach(cp -> {
                if (cp == 0x130) {
                    sb.append("i\u0307"); // the one code point whose lower case is two code points
                } else {
                    sb.appendCodePoint(Character.toLowerCase(cp));
                }
            });
            s = sb.toString();
        }
        return s;
    }

    static List<String> preTokenize(String normalized) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < normalized.length()) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (isWhitespace(cp)) {
                flush(current, words);
            } else if (isPunctuation(cp)) {
                flush(current, words);
                words.add(new String(Character.toChars(cp)));
            } else {
                current.appendCodePoint(cp);
            }
        }
        flush(current, words);
        return words;
    }

    private static void flush(StringBuilder current, List<String> words) {
        if (current.length() > 0) {
            words.add(current.toString());
            current.setLength(0);
        }
    }

    /** Unicode White_Space (as Rust's {@code char::is_whitespace}), which differs from Java's isWhitespace. */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    /** "Other" general categories (Cc, Cf, Cn, Co, Cs), except tab, newline and carriage return. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    /** ASCII punctuation (includes symbols such as $ + < = > ^ ` | ~) or any Unicode punctuation category. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION
                || type == Character.START_PUNCTUATION || type == Character.END_PUNCTUATION
                || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
                || type == Character.OTHER_PUNCTUATION;
    }

    /** The CJK Unified Ideographs blocks, as in BERT's original tokenizer. */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
