package io.sparkcl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.ForwardState;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Saving a fine-tuned model as one directory, loading it back, and batched inference (linear and DualCL). */
class FineTunedModelTest {

    static final List<String> TREC = List.of("description", "entity", "abbreviation", "human", "location", "numeric");

    @TempDir
    Path tmp;

    private static List<String> texts(int n) {
        List<String> out = new ArrayList<>();
        RealData.dualcl("TREC_Test.json", n).forEach(r -> out.add(r.text()));
        return out;
    }

    private static FineTunedModel tinyModel(Map<String, Object> trainingConfig, int headLabels) {
        PretrainedModel pre = ModelRegistry.load("tiny-random", headLabels);
        ClassifierHead head = headLabels == 0 ? ClassifierHead.DUALCL : ClassifierHead.LINEAR;
        return FineTunedModel.of(pre.parameters(), Pooling.CLS, head, TREC, null, pre.tokenizerSpec(), 48,
                trainingConfig);
    }

    @Test
    void linearHeadRoundTripReproducesPredictionsExactly() throws IOException {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("method", "scl");
        training.put("lambda", 0.9);
        training.put("optimizer", Map.of("lr", 2e-5, "warmup", 0.1));
        FineTunedModel model = tinyModel(training, TREC.size());
        assertEquals(ClassifierHead.LINEAR, model.head());
        List<String> texts = texts(30);
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            pairs.add(i % 3 == 0 ? "an optional second segment" : null);
        }
        Predictions before = model.predict(texts, pairs, 8);

        Path dir = tmp.resolve("trec-model");
        model.save(dir);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "labels.json", "training_config.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals("abbreviation", config.path("id2label").path("2").asText());
        assertEquals("bert", config.path("model_type").asText());

        FineTunedModel loaded = FineTunedModel.load(dir);
        Predictions after = loaded.predict(texts, pairs, 8);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(before.probabilities()[i], after.probabilities()[i], "probabilities of row " + i);
            assertArrayEquals(before.features()[i], after.features()[i], "features of row " + i);
        }
        assertEquals(TREC, loaded.labels());
        assertEquals(training, loaded.trainingConfig());
        assertEquals(48, loaded.maxLength());
        assertEquals(Pooling.CLS, loaded.pooling());
        assertEquals(model.parameters().flat(), loaded.parameters().flat());
        assertEquals(32, after.features()[0].length);
        for (float[] p : after.probabilities()) {
            double sum = 0;
            for (float v : p) {
                sum += v;
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void predictionsDoNotDependOnBatchingAndMatchTheHeadOfAPlainForward() {
        FineTunedModel model = tinyModel(Map.of("method", "ce"), TREC.size());
        List<String> texts = texts(8);
        Predictions one = model.predict(texts, null, 1);
        Predictions five = model.predict(texts, null, 3);
        TextTokenizer tok = Tokenizers.load(model.tokenizerSpec());
        for (int i = 0; i < texts.size(); i++) {
            EncoderBatch single = EncoderInputs.pad(List.of(tok.encode(texts.get(i), null, 48)), 0, null);
            ForwardState s = new BertEncoderModel(model.parameters(), Pooling.CLS).forward(single, false);
            float[] expected = ClassifierHead.softmax(s.logits())[0];
            assertArrayEquals(expected, one.probabilities()[i], 1e-6f);
            assertArrayEquals(expected, five.probabilities()[i], 1e-5f, "padded batch row " + i);
            assertEquals(one.predictedIndex(i), five.predictedIndex(i));
        }
    }

    @Test
    void dualClModelsScoreWithLabelAwareInputsAndRoundTrip() throws IOException {
        FineTunedModel model = tinyModel(Map.of("training", Map.of("method", "dualcl", "lambda", 0.1)), 0);
        assertEquals(ClassifierHead.DUALCL, model.head());
        List<String> texts = texts(9);
        Predictions p = model.predict(texts, null, 4);

        // independent check of z·θ: forward one label-aware row and take dot products by hand
        TextTokenizer tok = Tokenizers.load(model.tokenizerSpec());
        Encoding e = tok.encodeWithLabels(TREC, texts.get(3), null, 48);
        ForwardState s = new BertEncoderModel(model.parameters(), Pooling.CLS)
                .forward(EncoderInputs.pad(List.of(e), 0, null), false);
        INDArray z = s.pooled();
        INDArray theta = s.labelFeatures();
        double[] logits = new double[TREC.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < TREC.size(); k++) {
            for (int c = 0; c < z.size(1); c++) {
                logits[k] += z.getDouble(0, c) * theta.getDouble(0, k, c);
            }
            max = Math.max(max, logits[k]);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        for (int k = 0; k < TREC.size(); k++) {
            assertEquals(Math.exp(logits[k] - max) / sum, p.probabilities()[3][k], 1e-5, "class " + k);
        }

        Path dir = tmp.resolve("dualcl");
        model.save(dir);
        FineTunedModel loaded = FineTunedModel.load(dir);
        assertEquals(ClassifierHead.DUALCL, loaded.head());
        Predictions again = loaded.predict(texts, null, 4);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(p.probabilities()[i], again.probabilities()[i]);
        }
    }

    @Test
    void saveReplacesAtomicallyAndAFailedSaveKeepsThePreviousModel() throws IOException {
        FineTunedModel model = tinyModel(Map.of("method", "ce"), TREC.size());
        Path dir = tmp.resolve("m");
        model.save(dir);
        Files.writeString(dir.resolve("stale.txt"), "from an older save");
        model.save(dir);
        assertFalse(Files.exists(dir.resolve("stale.txt")), "the directory is replaced as a whole");

        BertParameters p = model.parameters();
        FineTunedModel broken = FineTunedModel.of(p, Pooling.CLS, ClassifierHead.LINEAR, TREC, null,
                new TokenizerSpec(tmp.resolve("no-such-tokenizer").toString()), 48, "{}");
        assertThrows(RuntimeException.class, () -> broken.save(dir));
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")), "previous model intact");
        FineTunedModel.load(dir);
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(dir), siblings.toList(), "no temporary directories left behind");
        }
    }

    @Test
    void aLoadedModelKeepsPredictingAfterItsFolderIsRemoved() throws IOException {
        FineTunedModel model = tinyModel(Map.of("method", "ce"), TREC.size());
        Path dir = tmp.resolve("copy");
        model.save(dir);
        FineTunedModel loaded = FineTunedModel.load(dir);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        List<String> texts = texts(4);
        Predictions p = loaded.predict(texts, null, 4);
        Predictions expected = model.predict(texts, null, 4);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(expected.probabilities()[i], p.probabilities()[i]);
        }
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        PretrainedModel pre = ModelRegistry.load("tiny-random", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FineTunedModel.of(
                pre.parameters(), Pooling.CLS, ClassifierHead.LINEAR, TREC, null, pre.tokenizerSpec(), 48, "{}"));
        assertTrue(e.getMessage().contains("2 outputs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FineTunedModel.of(
                pre.parameters(), Pooling.CLS, ClassifierHead.LINEAR, List.of("a", "b"), null, pre.tokenizerSpec(), 48, "[1,2]"));
        assertTrue(e.getMessage().contains("JSON object"), e.getMessage());
        Path notAModel = tmp.resolve("x");
        var ex = assertThrows(RuntimeException.class, () -> FineTunedModel.load(notAModel));
        assertTrue(ex.getMessage().contains("labels.json"), ex.getMessage());
    }

    @Test
    void foldersWithoutAHeadFieldTakeItFromTheTrainingMethod() {
        assertEquals(ClassifierHead.DUALCL, FineTunedModel.legacyHeadOf("{\"training\":{\"method\":\"dualcl\"}}"));
        assertEquals(ClassifierHead.LINEAR, FineTunedModel.legacyHeadOf("{\"method\":\"scl\"}"));
        assertEquals(ClassifierHead.LINEAR, FineTunedModel.legacyHeadOf("{}"));
    }
}
