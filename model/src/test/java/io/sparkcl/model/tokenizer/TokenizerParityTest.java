package io.sparkcl.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.model.RealData;
import io.sparkcl.model.registry.ModelArtifacts;
import io.sparkcl.model.registry.ShippedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ids from this project's tokenizers must equal the reference HuggingFace fast tokenizer (tokenizer.json run
 * by the Rust library, with its own special tokens and truncation) on real sentences: our WordPiece built
 * from a vocab.txt, and our tokenizer.json wrapper (which adds special tokens and truncates itself).
 */
class TokenizerParityTest {

    private static HuggingFaceTokenizer reference64;
    private static HuggingFaceTokenizer reference24;
    private static WordPieceTokenizer wordPiece;
    private static TextTokenizer jsonTokenizer;
    private static List<String> sentences;

    @TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        ShippedModel m = ShippedModel.ALL_MINILM_L6_V2;
        byte[] json = ModelArtifacts.readAllBytes(m, m.tokenizerResource());
        reference64 = reference(json, 64);
        reference24 = reference(json, 24);
        // vocab.txt = the tokenizer.json vocabulary in id order
        JsonNode vocab = new ObjectMapper().readTree(json).path("model").path("vocab");
        String[] tokens = new String[vocab.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            tokens[e.getValue().asInt()] = e.getKey();
        }
        Files.write(dir.resolve("vocab.txt"), String.join("\n", tokens).concat("\n").getBytes(StandardCharsets.UTF_8));
        wordPiece = (WordPieceTokenizer) Tokenizers.open(new TokenizerSpec(dir.toString()));
        jsonTokenizer = Tokenizers.open(new TokenizerSpec("all-minilm-l6-v2"));

        sentences = new ArrayList<>();
        RealData.dualcl("SST2_Train.json", 200).forEach(r -> sentences.add(r.text()));
        RealData.dualcl("TREC_Train.json", 100).forEach(r -> sentences.add(r.text()));
        for (RealData.Pair p : RealData.rteDev(100)) {
            sentences.add(p.first());
            sentences.add(p.second());
        }
        sentences.addAll(List.of(
                "", "Café naïve résumé — “quoted” text… ÀÉÎÕÜ",
                "我爱北京天安门 and 日本語のテキスト",
                "tab\there\u00A0nbsp\u200Bzero\u2003width\r\nnewline",
                "[SEP] literal [CLS]tokens[MASK] [UNK] [PAD]x",
                "a".repeat(120) + " short",
                "emoji 😀 test 🤖🤖",
                "İstanbul ǅemal ΣΊΣΥΦΟΣ straße",
                "don't stop-believing, e.g. U.S.A. $100+50% <tag> a|b ~c ^d `e`",
                "control\u0000chars\u0007here\uFFFD",
                "unbelievably disestablishmentarianism antidisestablishmentarianism"));
    }

    private static HuggingFaceTokenizer reference(byte[] json, int maxLength) throws Exception {
        return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), Map.of("addSpecialTokens", "true",
                "truncation", "true", "maxLength", String.valueOf(maxLength), "padding", "false"));
    }

    @AfterAll
    static void tearDown() {
        reference64.close();
        reference24.close();
        jsonTokenizer.close();
    }

    @Test
    void wordPieceFromVocabTxtMatchesReferenceOnSingleSentences() {
        int truncatedCount = 0;
        for (String s : sentences) {
            for (HuggingFaceTokenizer ref : List.of(reference64, reference24)) {
                int max = ref == reference64 ? 64 : 24;
                ai.djl.huggingface.tokenizers.Encoding expected = ref.encode(s);
                Encoding actual = wordPiece.encode(s, null, max);
                assertArrayEquals(ints(expected.getIds()), actual.inputIds(), () -> "ids of '" + s + "' (max " + max + ")");
                assertArrayEquals(ints(expected.getTypeIds()), actual.tokenTypeIds(), () -> "types of '" + s + "'");
                boolean reallyTruncated = wordPiece.pieces(s).length + 2 > max;
                assertEquals(reallyTruncated, actual.truncated(), () -> "truncated flag of '" + s + "'");
                truncatedCount += actual.truncated() ? 1 : 0;
            }
        }
        assertTrue(truncatedCount > 20, "the data exercises truncation: " + truncatedCount);
        assertTrue(sentences.size() >= 500, "a few hundred sentences: " + sentences.size());
    }

    @Test
    void jsonTokenizerMatchesReferenceOnSingleSentencesAndBatches() {
        List<Encoding> batch = jsonTokenizer.encodeBatch(sentences, null, 24);
        for (int i = 0; i < sentences.size(); i++) {
            String s = sentences.get(i);
            assertArrayEquals(ints(reference64.encode(s).getIds()), jsonTokenizer.encode(s, null, 64).inputIds(),
                    () -> "ids of '" + s + "'");
            assertArrayEquals(ints(reference24.encode(s).getIds()), batch.get(i).inputIds(), () -> "batch ids of '" + s + "'");
        }
    }

    @Test
    void sentencePairsTruncateLongestFirstLikeTheReference() {
        List<RealData.Pair> pairs = RealData.rteDev(150);
        List<String> firsts = pairs.stream().map(RealData.Pair::first).toList();
        List<String> seconds = pairs.stream().map(RealData.Pair::second).toList();
        List<Encoding> wpBatch = wordPiece.encodeBatch(firsts, seconds, 24);
        List<Encoding> jsonBatch = jsonTokenizer.encodeBatch(firsts, seconds, 64);
        int truncated = 0;
        for (int i = 0; i < pairs.size(); i++) {
            RealData.Pair p = pairs.get(i);
            ai.djl.huggingface.tokenizers.Encoding e64 = reference64.encode(p.first(), p.second());
            ai.djl.huggingface.tokenizers.Encoding e24 = reference24.encode(p.first(), p.second());
            int row = i;
            assertArrayEquals(ints(e64.getIds()), wordPiece.encode(p.first(), p.second(), 64).inputIds(), () -> "pair " + row);
            assertArrayEquals(ints(e64.getTypeIds()), wordPiece.encode(p.first(), p.second(), 64).tokenTypeIds());
            assertArrayEquals(ints(e24.getIds()), wpBatch.get(i).inputIds(), () -> "pair " + row + " at 24");
            assertArrayEquals(ints(e24.getTypeIds()), wpBatch.get(i).tokenTypeIds(), () -> "pair types " + row);
            assertArrayEquals(ints(e64.getIds()), jsonBatch.get(i).inputIds(), () -> "json pair " + row);
            truncated += wpBatch.get(i).truncated() ? 1 : 0;
        }
        assertTrue(truncated > 50, "RTE pairs at 24 tokens are mostly truncated: " + truncated);
    }

    @Test
    void truncationRuleCoversAllCases() {
        // fits; only the longer is cut; both cut to half (odd budget: the longer one gets the extra token)
        assertArrayEquals(new int[]{3, 4}, TemplateTokenizer.truncatedLengths(3, 4, 10, true));
        assertArrayEquals(new int[]{3, 7}, TemplateTokenizer.truncatedLengths(3, 50, 10, true));
        assertArrayEquals(new int[]{7, 3}, TemplateTokenizer.truncatedLengths(50, 3, 10, true));
        assertArrayEquals(new int[]{5, 6}, TemplateTokenizer.truncatedLengths(20, 30, 11, true));
        assertArrayEquals(new int[]{6, 5}, TemplateTokenizer.truncatedLengths(30, 20, 11, true));
        assertArrayEquals(new int[]{8, 0}, TemplateTokenizer.truncatedLengths(20, 0, 8, false));
    }

    @Test
    void vocabSizeAndPaddingIdComeFromTheFiles() {
        assertEquals(30522, wordPiece.vocabSize());
        assertEquals(30522, jsonTokenizer.vocabSize());
        assertEquals(0, wordPiece.padTokenId());
        assertEquals(0, jsonTokenizer.padTokenId());
        assertEquals(Arrays.asList(101, 102), List.of(wordPiece.template().clsId(), wordPiece.template().sepId()));
    }

    static int[] ints(long[] ids) {
        return Arrays.stream(ids).mapToInt(x -> (int) x).toArray();
    }
}
