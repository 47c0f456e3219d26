package io.sparkcl.model.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The part of every {@link TextTokenizer} that does not depend on how text becomes sub-word ids: special
 * tokens ({@link InputTemplate}), truncation (HuggingFace's "longest first" rule for pairs, so ids match the
 * reference fast tokenizers) and the DualCL label-aware layout.
 *
 * <p>Subclasses supply {@link #pieces(String)}: the ids of a text without special tokens.
 */
abstract class TemplateTokenizer implements TextTokenizer {

    private final InputTemplate template;
    private final int vocabSize;
    /** Last label list seen by encodeWithLabels and its pieces (the same labels are used for every row). */
    private volatile LabelPieces lastLabels;

    private record LabelPieces(List<String> names, int[][] ids) {
    }

    TemplateTokenizer(InputTemplate template, int vocabSize) {
        this.template = template;
        this.vocabSize = vocabSize;
    }

    /** Sub-word ids of {@code text}, no special tokens, no truncation. */
    abstract int[] pieces(String text);

    /** Batch version of {@link #pieces}; implementations may parallelise. */
    List<int[]> piecesBatch(List<String> texts) {
        List<int[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(pieces(t));
        }
        return out;
    }

    /**
     * Ids of each label name as it appears in the label segment {@code l_1 … l_K} (names joined by single
     * spaces); element k holds label k's tokens, all label tokens concatenated form the segment.
     */
    abstract int[][] labelSegmentPieces(List<String> labelNames);

    public InputTemplate template() {
        return template;
    }

    @Override
    public int padTokenId() {
        return template.padId();
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public Encoding encode(String text, String textPair, int maxLength) {
        Objects.requireNonNull(text, "text");
        return assemble(pieces(text), textPair == null ? null : pieces(textPair), maxLength);
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts, List<String> textPairs, int maxLength) {
        if (textPairs != null && textPairs.size() != texts.size()) {
            throw new IllegalArgumentException("encodeBatch: " + texts.size() + " texts but " + textPairs.size()
                    + " text pairs");
        }
        List<int[]> first = piecesBatch(texts);
        List<int[]> second = null;
        if (textPairs != null) {
            List<String> present = new ArrayList<>();
            for (String p : textPairs) {
                present.add(p == null ? "" : p);
            }
            second = piecesBatch(present);
        }
        List<Encoding> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            boolean hasPair = textPairs != null && textPairs.get(i) != null;
            out.add(assemble(first.get(i), hasPair ? second.get(i) : null, maxLength));
        }
        return out;
    }

    @Override
    public Encoding encodeWithLabels(List<String> labelNames, String text, String textPair, int maxLength) {
        if (labelNames == null || labelNames.isEmpty()) {
            throw new IllegalArgumentException("encodeWithLabels: no label names");
        }
        int[][] labelIds = labelPieces(labelNames);
        int labelTokens = 0;
        for (int k = 0; k < labelIds.length; k++) {
            if (labelIds[k].length == 0) {
                throw new IllegalArgumentException("encodeWithLabels: label name '" + labelNames.get(k)
                        + "' produces no tokens");
            }
            labelTokens += labelIds[k].length;
        }
        int between = template.separatorsBetween();
        boolean hasPair = textPair != null;
        // [CLS] labels [SEP]{between} text [SEP] ({between-1} more [SEP] pair [SEP])
        int specials = 1 + between + 1 + (hasPair ? between : 0);
        int budget = maxLength - specials - labelTokens;
        if (budget < 1) {
            throw new IllegalArgumentException("encodeWithLabels: the " + labelNames.size() + " label names take "
                    + labelTokens + " tokens, which with " + specials + " special tokens leaves no room for text in "
                    + "maxLength " + maxLength + "; increase the maximum sequence length");
        }
        int[] a = pieces(Objects.requireNonNull(text, "text"));
        int[] b = hasPair ? pieces(textPair) : null;
        int[] kept = truncatedLengths(a.length, hasPair ? b.length : 0, budget, hasPair);
        boolean truncated = kept[0] < a.length || (hasPair && kept[1] < b.length);

        int length = 1 + labelTokens + between + kept[0] + 1 + (hasPair ? kept[1] + between : 0);
        int[] ids = new int[length];
        int[] types = new int[length];
        int[][] positions = new int[labelIds.length][];
        int pos = 0;
        ids[pos++] = template.clsId();
        for (int k = 0; k < labelIds.length; k++) {
            positions[k] = new int[labelIds[k].length];
            for (int j = 0; j < labelIds[k].length; j++) {
                positions[k][j] = pos;
                ids[pos++] = labelIds[k][j];
            }
        }
        for (int s = 0; s < between; s++) {
            ids[pos++] = template.sepId();
        }
        int secondStart = pos;
        pos = copy(a, kept[0], ids, pos);
        ids[pos++] = template.sepId();
        if (hasPair) {
            for (int s = 1; s < between; s++) {
                ids[pos++] = template.sepId();
            }
            pos = copy(b, kept[1], ids, pos);
            ids[pos++] = template.sepId();
        }
        for (int i = secondStart; i < length; i++) {
            types[i] = template.secondTypeId();
        }
        return new Encoding(ids, ones(length), types, positions, truncated);
    }

    private int[][] labelPieces(List<String> labelNames) {
        LabelPieces cached = lastLabels;
        if (cached != null && cached.names().equals(labelNames)) {
            return cached.ids();
        }
        int[][] ids = labelSegmentPieces(labelNames);
        lastLabels = new LabelPieces(List.copyOf(labelNames), ids);
        return ids;
    }

    private Encoding assemble(int[] a, int[] b, int maxLength) {
        boolean hasPair = b != null;
        int specials = template.specialTokens(hasPair);
        int budget = maxLength - specials;
        if (budget < 0) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is smaller than the " + specials
                    + " special tokens");
        }
        int[] kept = truncatedLengths(a.length, hasPair ? b.length : 0, budget, hasPair);
        boolean truncated = kept[0] < a.length || (hasPair && kept[1] < b.length);
        int between = template.separatorsBetween();
        int length = kept[0] + 2 + (hasPair ? kept[1] + between : 0);
        int[] ids = new int[length];
        int[] types = new int[length];
        int pos = 0;
        ids[pos++] = template.clsId();
        pos = copy(a, kept[0], ids, pos);
        ids[pos++] = template.sepId();
        if (hasPair) {
            for (int s = 1; s < between; s++) {
                ids[pos++] = template.sepId();
            }
            int secondStart = pos;
            pos = copy(b, kept[1], ids, pos);
            ids[pos++] = template.sepId();
            for (int i = secondStart; i < length; i++) {
                types[i] = template.secondTypeId();
            }
        }
        return new Encoding(ids, ones(length), types, null, truncated);
    }

    /**
     * How many tokens of each segment survive truncation to {@code budget} tokens, following HuggingFace
     * tokenizers' LongestFirst strategy for pairs: when both do not fit, the shorter segment is kept whole and
     * the longer one gets the rest if the shorter takes at most half of the budget; otherwise each gets half
     * (the longer segment gets the extra token when the budget is odd). A single segment keeps its first tokens.
     */
    static int[] truncatedLengths(int n1, int n2, int budget, boolean pair) {
        if (!pair) {
            return new int[]{Math.min(n1, budget), 0};
        }
        if (n1 + n2 <= budget) {
            return new int[]{n1, n2};
        }
        int shortLen = Math.min(n1, n2);
        int longLen;
        boolean swapped = n1 > n2;
        if (shortLen > budget) {
            longLen = shortLen;
        } else {
            longLen = Math.max(shortLen, budget - shortLen);
        }
        if (shortLen + longLen > budget) {
            shortLen = budget / 2;
            longLen = shortLen + budget % 2;
        }
        int k1 = swapped ? longLen : shortLen;
        int k2 = swapped ? shortLen : longLen;
        return new int[]{Math.min(n1, k1), Math.min(n2, k2)};
    }

    private static int copy(int[] src, int count, int[] dst, int pos) {
        System.arraycopy(src, 0, dst, pos, count);
        return pos + count;
    }

    private static int[] ones(int n) {
        int[] mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        return mask;
    }
}
