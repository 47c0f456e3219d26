package io.sparkcl.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RoBERTa-style byte-level BPE through tokenizer.json: a small BPE vocabulary written by the test (GPT-2 byte
 * alphabet plus a few merges) with RoBERTa's post-processor, compared with the Rust reference's own special
 * tokens and truncation.
 */
class ByteLevelBpeTokenizerTest {

    @TempDir
    static Path dir;
    private static TextTokenizer tokenizer;
    private static HuggingFaceTokenizer reference;

    @BeforeAll
    static void setUp() throws Exception {
        byte[] json = robertaLikeTokenizerJson();
        Files.write(dir.resolve("tokenizer.json"), json);
        tokenizer = Tokenizers.open(new TokenizerSpec(dir.toString()));
        reference = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                Map.of("truncation", "true", "maxLength", "12", "padding", "false"));
    }

    @AfterAll
    static void tearDown() {
        tokenizer.close();
        reference.close();
    }

    @Test
    void pairsUseRobertaSeparatorsAndTokenTypeZero() {
        Encoding e = tokenizer.encode("positive movie", "negative", 64);
        assertEquals(0, e.inputIds()[0]);
        assertEquals(2, e.inputIds()[e.length() - 1]);
        int seps = 0;
        for (int id : e.inputIds()) {
            seps += id == 2 ? 1 : 0;
        }
        assertEquals(3, seps, "<s> A </s></s> B </s>");
        for (int t : e.tokenTypeIds()) {
            assertEquals(0, t);
        }
        assertEquals(1, tokenizer.padTokenId());
    }

    @Test
    void matchesTheReferenceWithTruncation() {
        List<String[]> inputs = List.of(new String[]{"positive movie", null}, new String[]{"negative", "positive movie"},
                new String[]{"a positive positive negative movie about nothing", null},
                new String[]{"negative movies are positive", "positive movies are negative, or not"});
        for (String[] in : inputs) {
            ai.djl.huggingface.tokenizers.Encoding ref = in[1] == null ? reference.encode(in[0]) : reference.encode(in[0], in[1]);
            Encoding mine = tokenizer.encode(in[0], in[1], 12);
            assertArrayEquals(TokenizerParityTest.ints(ref.getIds()), mine.inputIds(), in[0] + " / " + in[1]);
            assertArrayEquals(TokenizerParityTest.ints(ref.getTypeIds()), mine.tokenTypeIds());
        }
    }

    @Test
    void labelNamesWithLeadingSpaceTokensAreAlignedByCharacterSpans() {
        // "Ġnegative" (one token with the space) and "Ġ" + "d","e",... (a lone space token with an empty span)
        for (List<String> labels : List.of(List.of("positive", "negative"), List.of("negative", "desc", "movie"))) {
            Encoding e = tokenizer.encodeWithLabels(labels, "a movie", null, 32);
            int[] segment = ((TemplateTokenizer) tokenizer).pieces(String.join(" ", labels));
            int[][] positions = e.labelPositions();
            int p = 1;
            for (int k = 0; k < labels.size(); k++) {
                int[] alone = ((TemplateTokenizer) tokenizer).pieces(labels.get(k));
                // each label gets its own word's tokens: the word alone, or with a leading space token/prefix
                assertTrue(positions[k].length >= 1 && positions[k].length <= alone.length + 1,
                        labels.get(k) + " -> " + positions[k].length + " tokens");
                for (int pos : positions[k]) {
                    assertEquals(p, pos);
                    assertEquals(segment[p - 1], e.inputIds()[pos]);
                    p++;
                }
            }
            assertEquals(segment.length, p - 1, "every segment token belongs to a label");
            assertEquals(2, e.inputIds()[p]);
            assertEquals(2, e.inputIds()[p + 1], "RoBERTa: two separators after the labels");
        }
        Encoding e = tokenizer.encodeWithLabels(List.of("positive", "negative"), "a movie", null, 32);
        assertEquals(1, e.labelPositions()[1].length, "Ġnegative is one token");
        int[] alone = ((TemplateTokenizer) tokenizer).pieces("negative");
        assertTrue(alone[0] != e.inputIds()[e.labelPositions()[1][0]], "the segment's space-prefixed token is used");
    }

    /** A tokenizer.json in the layout of roberta-base's, with a tiny vocabulary. */
    static byte[] robertaLikeTokenizerJson() throws Exception {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<s>", "<pad>", "</s>", "<unk>"};
        for (int i = 0; i < specials.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i).put("content", specials[i]).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", true).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "RobertaProcessing");
        post.putArray("sep").add("</s>").add(2);
        post.putArray("cls").add("<s>").add(0);
        post.put("trim_offsets", true).put("add_prefix_space", false);
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false)
                .put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        int id = 0;
        for (String s : specials) {
            vocab.put(s, id++);
        }
        for (int cp : byteAlphabet()) {
            vocab.put(new String(Character.toChars(cp)), id++);
        }
        ArrayNode merges = model.putArray("merges");
        List<String[]> ms = new ArrayList<>();
        // space-prefixed words first: lower rank, so "Ġnegative" becomes one token as in roberta-base
        for (String word : List.of("Ġpositive", "Ġnegative", "Ġmovie", "positive", "negative", "movie")) {
            // merge left to right: p o -> po, po s -> pos, ...
            String acc = word.substring(0, 1);
            if (word.startsWith("Ġ")) {
                acc = "Ġ";
            }
            for (int i = acc.length(); i < word.length(); i++) {
                String next = word.substring(i, i + 1);
                ms.add(new String[]{acc, next});
                acc = acc + next;
            }
        }
        for (String[] m : ms) {
            String merged = m[0] + m[1];
            if (!vocab.has(merged)) {
                vocab.put(merged, id++);
                merges.add(m[0] + " " + m[1]);
            }
        }
        return om.writeValueAsBytes(root);
    }

    /** GPT-2's printable byte alphabet: 256 code points, one per byte. */
    static List<Integer> byteAlphabet() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        List<Integer> cps = new ArrayList<>(bs);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!bs.contains(b)) {
                cps.add(256 + n++);
            }
        }
        return cps;
    }
}
