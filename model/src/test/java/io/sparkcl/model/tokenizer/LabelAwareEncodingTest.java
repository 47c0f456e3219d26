package io.sparkcl.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.sparkcl.model.registry.ModelArtifacts;
import io.sparkcl.model.registry.ShippedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DualCL label-aware inputs ([CLS] l_1 … l_K [SEP] text [SEP]) and the shared-instance contract. */
class LabelAwareEncodingTest {

    static final List<String> TREC = List.of("description", "entity", "abbreviation", "human", "location", "numeric");

    private static TextTokenizer tokenizer;
    private static HuggingFaceTokenizer reference;

    @BeforeAll
    static void setUp() throws Exception {
        tokenizer = Tokenizers.load(new TokenizerSpec("all-minilm-l6-v2"));
        byte[] json = ModelArtifacts.readAllBytes(ShippedModel.ALL_MINILM_L6_V2, "all-minilm-l6-v2-tokenizer.json");
        reference = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                Map.of("truncation", "false", "padding", "false"));
    }

    @AfterAll
    static void tearDown() {
        reference.close();
    }

    @Test
    void labelSegmentIsTheFirstSequenceOfAPairAndPositionsPointAtEachLabelsTokens() {
        String text = "what does the abbreviation nasa stand for ?";
        Encoding e = tokenizer.encodeWithLabels(TREC, text, null, 64);
        // Same ids and token types as the reference pair encoding of ("description entity ...", text).
        ai.djl.huggingface.tokenizers.Encoding ref = reference.encode(String.join(" ", TREC), text);
        assertArrayEquals(TokenizerParityTest.ints(ref.getIds()), e.inputIds());
        assertArrayEquals(TokenizerParityTest.ints(ref.getTypeIds()), e.tokenTypeIds());
        assertFalse(e.truncated());

        assertEquals(TREC.size(), e.labelPositions().length);
        int expectedPos = 1;
        for (int k = 0; k < TREC.size(); k++) {
            long[] alone = reference.encode(TREC.get(k), false, false).getIds();
            int[] pos = e.labelPositions()[k];
            assertEquals(alone.length, pos.length, "positions of " + TREC.get(k));
            for (int j = 0; j < pos.length; j++) {
                assertEquals(expectedPos++, pos[j], "label tokens are consecutive after [CLS]");
                assertEquals(alone[j], e.inputIds()[pos[j]], "token of " + TREC.get(k));
            }
        }
        // TREC's "numeric" is two WordPieces (nu ##meric): two positions.
        assertEquals(2, e.labelPositions()[5].length, "numeric: " + Arrays.toString(e.labelPositions()[5]));
        assertEquals(102, e.inputIds()[expectedPos], "[SEP] after the labels");
    }

    @Test
    void onlyTheTextIsTruncated() {
        String longText = "this movie is a long and winding road of scenes that never seem to end ".repeat(5);
        int max = 24;
        Encoding e = tokenizer.encodeWithLabels(TREC, longText, null, max);
        assertEquals(max, e.length());
        assertTrue(e.truncated());
        Encoding untruncated = tokenizer.encodeWithLabels(TREC, longText, null, 512);
        int labelEnd = e.labelPositions()[5][e.labelPositions()[5].length - 1];
        for (int i = 0; i <= labelEnd + 1; i++) {
            assertEquals(untruncated.inputIds()[i], e.inputIds()[i], "label segment intact at " + i);
        }
        assertEquals(102, e.inputIds()[max - 1], "ends with [SEP]");
        assertEquals(1, e.tokenTypeIds()[max - 1]);
        assertEquals(0, e.tokenTypeIds()[labelEnd + 1]);

        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encodeWithLabels(TREC, "x", null, 10));
        assertTrue(tooShort.getMessage().contains("label names"), tooShort.getMessage());
    }

    @Test
    void labelAwarePairsAddTheSecondTextAfterAnotherSeparator() {
        Encoding e = tokenizer.encodeWithLabels(List.of("entailment", "not entailment"), "a man sleeps .",
                "a person rests .", 64);
        ai.djl.huggingface.tokenizers.Encoding a = reference.encode("entailment not entailment", "a man sleeps .");
        long[] pair = reference.encode("a person rests .", false, false).getIds();
        int[] expected = new int[a.getIds().length + pair.length + 1];
        for (int i = 0; i < a.getIds().length; i++) {
            expected[i] = (int) a.getIds()[i];
        }
        for (int i = 0; i < pair.length; i++) {
            expected[a.getIds().length + i] = (int) pair[i];
        }
        expected[expected.length - 1] = 102;
        assertArrayEquals(expected, e.inputIds());
        assertEquals(reference.encode("not entailment", false, false).getIds().length, e.labelPositions()[1].length);
        assertTrue(e.labelPositions()[1].length > 2, "'not entailment' has several tokens");
    }

    @Test
    void sharedInstanceIsCachedThreadSafeAndSurvivesClose() throws Exception {
        TextTokenizer again = Tokenizers.load(new TokenizerSpec("all-minilm-l6-v2"));
        assertSame(tokenizer, again);
        again.close(); // no effect on the shared instance
        assertSame(Tokenizers.load(new TokenizerSpec("tiny-random")), Tokenizers.load(new TokenizerSpec("tiny-random")));

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            texts.add("sentence number " + i + " is about " + TREC.get(i % TREC.size()) + " and nothing else !");
        }
        List<Encoding> expected = tokenizer.encodeBatch(texts, null, 16);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Encoding>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> tokenizer.encodeBatch(texts, null, 16)));
                futures.add(pool.submit(() -> texts.stream().map(s -> tokenizer.encode(s, null, 16)).toList()));
            }
            for (Future<List<Encoding>> f : futures) {
                List<Encoding> got = f.get();
                for (int i = 0; i < texts.size(); i++) {
                    assertArrayEquals(expected.get(i).inputIds(), got.get(i).inputIds());
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
