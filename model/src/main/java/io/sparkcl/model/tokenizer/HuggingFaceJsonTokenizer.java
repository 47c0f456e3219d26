package io.sparkcl.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer defined by a HuggingFace {@code tokenizer.json} (WordPiece, byte-level BPE, …), run by the
 * Rust {@code tokenizers} library through DJL's JNI binding, offline.
 *
 * <p>The native tokenizer produces sub-word ids only (no special tokens, truncation or padding); special
 * tokens come from the file's post-processor (TemplateProcessing, BertProcessing or RobertaProcessing) and
 * truncation from {@link TemplateTokenizer}, so plain, pair and DualCL label-aware inputs share one code
 * path. Thread-safe (the native tokenizer is immutable); {@link #close()} frees the native memory.
 */
public final class HuggingFaceJsonTokenizer extends TemplateTokenizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final String source;

    private HuggingFaceJsonTokenizer(HuggingFaceTokenizer tokenizer, InputTemplate template, int vocabSize,
                                     String source) {
        super(template, vocabSize);
        this.tokenizer = tokenizer;
        this.source = source;
    }

    /** Builds the tokenizer from the bytes of a tokenizer.json; {@code source} names the file in errors. */
    public static HuggingFaceJsonTokenizer fromJson(byte[] tokenizerJson, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson);
        } catch (IOException e) {
            throw new IOException("Cannot parse tokenizer file " + source + ": " + e.getMessage(), e);
        }
        InputTemplate template = templateOf(root, source);
        int vocabSize = vocabSizeOf(root, source);
        // No special tokens, no truncation, no padding: TemplateTokenizer does those.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "withOverflowingTokens", "false");
        HuggingFaceTokenizer native_;
        try {
            native_ = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), options);
        } catch (RuntimeException e) {
            throw new IOException("The tokenizers library rejected " + source + ": " + e.getMessage(), e);
        }
        return new HuggingFaceJsonTokenizer(native_, template, vocabSize, source);
    }

    public String source() {
        return source;
    }

    @Override
    int[] pieces(String text) {
        return toInts(tokenizer.encode(text, false, false).getIds());
    }

    @Override
    List<int[]> piecesBatch(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        ai.djl.huggingface.tokenizers.Encoding[] encodings = tokenizer.batchEncode(texts, false, false);
        List<int[]> out = new ArrayList<>(encodings.length);
        for (ai.djl.huggingface.tokenizers.Encoding e : encodings) {
            out.add(toInts(e.getIds()));
        }
        return out;
    }

    /**
     * Tokenises the joined segment "l_1 l_2 … l_K" once (so byte-level BPE sees the spaces between names, as
     * in the real input) and assigns each token to a label by its character span: the label containing the
     * token's last character (a BPE token's span may include the preceding space); a token with an empty span
     * (a lone space token after offset trimming) goes to the label that follows it.
     */
    @Override
    int[][] labelSegmentPieces(List<String> labelNames) {
        StringBuilder joined = new StringBuilder();
        int[] starts = new int[labelNames.size()];
        int[] ends = new int[labelNames.size()];
        for (int k = 0; k < labelNames.size(); k++) {
            if (k > 0) {
                joined.append(' ');
            }
            starts[k] = joined.length();
            joined.append(labelNames.get(k).strip());
            ends[k] = joined.length();
        }
        ai.djl.huggingface.tokenizers.Encoding e = tokenizer.encode(joined.toString(), false, false);
        long[] ids = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        List<List<Integer>> perLabel = new ArrayList<>();
        for (int k = 0; k < labelNames.size(); k++) {
            perLabel.add(new ArrayList<>());
        }
        int previous = 0;
        for (int t = 0; t < ids.length; t++) {
            int owner = owner(spans[t], starts, ends, previous);
            if (owner < previous) {
                throw new IllegalArgumentException("Cannot align token " + t + " of the label segment '" + joined
                        + "' with a label name (tokenizer " + source + ")");
            }
            previous = owner;
            perLabel.get(owner).add((int) ids[t]);
        }
        int[][] out = new int[labelNames.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = perLabel.get(k).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    private static int owner(CharSpan span, int[] starts, int[] ends, int previous) {
        if (span == null) {
            return previous;
        }
        int c = span.getEnd() > span.getStart() ? span.getEnd() - 1 : span.getStart();
        for (int k = 0; k < starts.length; k++) {
            if (c >= starts[k] && c < ends[k]) {
                return k;
            }
        }
        for (int k = 0; k < starts.length; k++) {
            if (starts[k] >= c) {
                return k; // whitespace before label k
            }
        }
        return previous;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int[] toInts(long[] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    // ---- reading the special tokens and sizes from tokenizer.json ----

    static InputTemplate templateOf(JsonNode root, String source) throws IOException {
        JsonNode processor = root.path("post_processor");
        JsonNode chosen = findProcessor(processor);
        if (chosen == null) {
            throw new IOException("Tokenizer file " + source + ": unsupported post_processor "
                    + (processor.isMissingNode() || processor.isNull() ? "(none)" : processor.path("type").asText())
                    + "; expected TemplateProcessing, BertProcessing or RobertaProcessing");
        }
        int pad = padIdOf(root);
        int unk = unkIdOf(root);
        String type = chosen.path("type").asText();
        switch (type) {
            case "BertProcessing":
                return new InputTemplate(chosen.path("cls").get(1).asInt(), chosen.path("sep").get(1).asInt(), pad, unk,
                        false, 1);
            case "RobertaProcessing":
                return new InputTemplate(chosen.path("cls").get(1).asInt(), chosen.path("sep").get(1).asInt(), pad, unk,
                        true, 0);
            default:
                return fromTemplateProcessing(chosen, pad, unk, source);
        }
    }

    private static JsonNode findProcessor(JsonNode processor) {
        if (processor == null || processor.isNull() || processor.isMissingNode()) {
            return null;
        }
        String type = processor.path("type").asText();
        if (type.equals("TemplateProcessing") || type.equals("BertProcessing") || type.equals("RobertaProcessing")) {
            return processor;
        }
        if (type.equals("Sequence")) {
            for (JsonNode p : processor.path("processors")) {
                JsonNode found = findProcessor(p);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Accepts templates of the form {@code C $A S} and {@code C $A S+ $B S}. */
    private static InputTemplate fromTemplateProcessing(JsonNode p, int pad, int unk, String source) throws IOException {
        JsonNode single = p.path("single");
        JsonNode pair = p.path("pair");
        JsonNode specials = p.path("special_tokens");
        if (single.size() != 3 || !single.get(0).has("SpecialToken") || !single.get(1).has("Sequence")
                || !single.get(2).has("SpecialToken")) {
            throw new IOException("Tokenizer file " + source + ": unsupported single-sequence template " + single
                    + "; expected [special] $A [special]");
        }
        int cls = specialId(specials, single.get(0).path("SpecialToken").path("id").asText(), source);
        int sep = specialId(specials, single.get(2).path("SpecialToken").path("id").asText(), source);
        int between = 0;
        int secondType = 1;
        boolean seenB = false;
        for (int i = 2; i < pair.size(); i++) {
            JsonNode piece = pair.get(i);
            if (piece.has("Sequence")) {
                seenB = true;
                secondType = piece.path("Sequence").path("type_id").asInt();
                break;
            }
            between++;
        }
        if (!seenB || between < 1 || between > 2) {
            throw new IOException("Tokenizer file " + source + ": unsupported pair template " + pair);
        }
        return new InputTemplate(cls, sep, pad, unk, between == 2, secondType);
    }

    private static int specialId(JsonNode specials, String token, String source) throws IOException {
        JsonNode ids = specials.path(token).path("ids");
        if (!ids.isArray() || ids.size() != 1) {
            throw new IOException("Tokenizer file " + source + ": special token " + token + " has no single id");
        }
        return ids.get(0).asInt();
    }

    private static int padIdOf(JsonNode root) {
        JsonNode padding = root.path("padding");
        if (padding.isObject() && padding.has("pad_id")) {
            return padding.get("pad_id").asInt();
        }
        for (String candidate : List.of("[PAD]", "<pad>")) {
            int id = addedTokenId(root, candidate);
            if (id >= 0) {
                return id;
            }
            JsonNode vocabId = root.path("model").path("vocab").path(candidate);
            if (vocabId.isInt()) {
                return vocabId.asInt();
            }
        }
        return 0;
    }

    private static int unkIdOf(JsonNode root) {
        String unk = root.path("model").path("unk_token").asText(null);
        if (unk == null) {
            return -1;
        }
        JsonNode id = root.path("model").path("vocab").path(unk);
        return id.isInt() ? id.asInt() : addedTokenId(root, unk);
    }

    private static int addedTokenId(JsonNode root, String content) {
        for (JsonNode t : root.path("added_tokens")) {
            if (content.equals(t.path("content").asText())) {
                return t.path("id").asInt();
            }
        }
        return -1;
    }

    static int vocabSizeOf(JsonNode root, String source) throws IOException {
        JsonNode vocab = root.path("model").path("vocab");
        int max = -1;
        if (vocab.isObject()) {
            for (Iterator<JsonNode> it = vocab.elements(); it.hasNext(); ) {
                max = Math.max(max, it.next().asInt());
            }
        } else if (vocab.isArray()) {
            max = vocab.size() - 1; // Unigram: [[piece, score], ...]
        } else {
            throw new IOException("Tokenizer file " + source + " has no model.vocab");
        }
        for (JsonNode t : root.path("added_tokens")) {
            max = Math.max(max, t.path("id").asInt());
        }
        return max + 1;
    }
}
