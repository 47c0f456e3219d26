package io.sparkcl.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkcl.model.EncoderInputs;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.ForwardState;
import io.sparkcl.model.encoder.ModelLoadException;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints in HuggingFace layout written by the test (tiny random BERT and RoBERTa, with prefixes, pooler
 * and pre-training heads as real checkpoints have) load through the registry, and the encoder's forward pass
 * matches {@link NaiveBertForward} computed from the same tensors. Bad folders give errors naming the tensor
 * or file.
 */
class HuggingFaceFolderTest {

    @TempDir
    Path tmp;

    private static final List<String> VOCAB = List.of("[PAD]", "<pad>", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "movie",
            "was", "great", "bad", "plot", "actors", "a", "an", "and", "not", "very", "##s", "##ly", "!", ".", ",",
            "fun", "boring", "story", "good", "film", "i", "it", "is", "of", "to", "really", "just", "some");

    static BertConfig tinyBert() {
        return new BertConfig("bert", VOCAB.size(), 16, 2, 4, 24, 20, 2, 1e-12, 0.1, 0.1, 0, 0);
    }

    static BertConfig tinyRoberta() {
        // pad id 1 ("<pad>"), position ids start at 2
        return new BertConfig("roberta", VOCAB.size(), 16, 2, 4, 24, 22, 1, 1e-5, 0.1, 0.1, 1, 2);
    }

    /** Random tensors with HuggingFace names (no prefix), values ~ N(0, 0.3), LayerNorm weights around 1. */
    static Map<String, FloatTensor> randomTensors(BertConfig c, int numLabels, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, FloatTensor> m = new LinkedHashMap<>();
        int d = c.hiddenSize();
        put(m, rng, "embeddings.word_embeddings.weight", c.vocabSize(), d);
        put(m, rng, "embeddings.position_embeddings.weight", c.maxPositionEmbeddings(), d);
        put(m, rng, "embeddings.token_type_embeddings.weight", c.typeVocabSize(), d);
        put(m, rng, "embeddings.LayerNorm.weight", d);
        put(m, rng, "embeddings.LayerNorm.bias", d);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            for (String s : List.of("query", "key", "value")) {
                put(m, rng, p + "attention.self." + s + ".weight", d, d);
                put(m, rng, p + "attention.self." + s + ".bias", d);
            }
            put(m, rng, p + "attention.output.dense.weight", d, d);
            put(m, rng, p + "attention.output.dense.bias", d);
            put(m, rng, p + "attention.output.LayerNorm.weight", d);
            put(m, rng, p + "attention.output.LayerNorm.bias", d);
            put(m, rng, p + "intermediate.dense.weight", c.intermediateSize(), d);
            put(m, rng, p + "intermediate.dense.bias", c.intermediateSize());
            put(m, rng, p + "output.dense.weight", d, c.intermediateSize());
            put(m, rng, p + "output.dense.bias", d);
            put(m, rng, p + "output.LayerNorm.weight", d);
            put(m, rng, p + "output.LayerNorm.bias", d);
        }
        if (numLabels > 0) {
            put(m, rng, "classifier.weight", numLabels, d);
            put(m, rng, "classifier.bias", numLabels);
        }
        return m;
    }

    private static void put(Map<String, FloatTensor> m, SplittableRandom rng, String name, long... shape) {
        float[] data = new float[(int) FloatTensor.elementCount(shape)];
        boolean gamma = name.contains("LayerNorm.weight");
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((gamma ? 1 : 0) + 0.3 * (rng.nextDouble() * 2 - 1) * Math.sqrt(3));
        }
        m.put(name, new FloatTensor(name, shape, data));
    }

    /** Writes config.json, model.safetensors (with the architecture's prefix and extra tensors) and vocab.txt. */
    static Path writeCheckpoint(Path dir, BertConfig c, Map<String, FloatTensor> tensors, boolean oldLayerNormNames)
            throws IOException {
        Files.createDirectories(dir);
        String prefix = c.architecture() + ".";
        Map<String, FloatTensor> file = new LinkedHashMap<>();
        for (FloatTensor t : tensors.values()) {
            String name = t.name().startsWith("classifier.") ? t.name() : prefix + t.name();
            if (oldLayerNormNames && name.contains("LayerNorm.")) {
                name = name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta");
            }
            file.put(name, t.rename(name));
        }
        int d = c.hiddenSize();
        file.put(prefix + "pooler.dense.weight", new FloatTensor(prefix + "pooler.dense.weight", new long[]{d, d}, new float[d * d]));
        String head = c.architecture().equals("roberta") ? "lm_head.bias" : "cls.predictions.bias";
        file.put(head, new FloatTensor(head, new long[]{c.vocabSize()}, new float[c.vocabSize()]));
        SafeTensors.write(dir.resolve("model.safetensors"), file, Map.of("format", "pt"));
        ObjectNode config = HuggingFaceConfig.toJson(c);
        config.remove("position_embedding_type"); // optional in real files
        HuggingFaceConfig.write(dir.resolve("config.json"), config);
        Files.write(dir.resolve("vocab.txt"), String.join("\n", VOCAB).getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    @Test
    void erfOfTheReferenceIsAccurate() {
        assertEquals(0.5204998778130465, NaiveBertForward.erf(0.5), 1e-14);
        assertEquals(-0.9999779095030014, NaiveBertForward.erf(-3), 1e-14);
    }

    @Test
    void tinyBertCheckpointForwardMatchesTheNaiveReference() throws IOException {
        checkForward(tinyBert(), true);
    }

    @Test
    void tinyRobertaCheckpointForwardMatchesTheNaiveReference() throws IOException {
        checkForward(tinyRoberta(), false);
    }

    private void checkForward(BertConfig cfg, boolean oldNames) throws IOException {
        int numLabels = 3;
        Map<String, FloatTensor> tensors = randomTensors(cfg, numLabels, 7);
        Path dir = writeCheckpoint(tmp.resolve(cfg.architecture()), cfg, tensors, oldNames);

        PretrainedModel model = ModelRegistry.load(dir.toString(), numLabels);
        assertEquals(cfg, model.config());
        TextTokenizer tok = Tokenizers.open(model.tokenizerSpec());
        List<Encoding> rows = new ArrayList<>();
        rows.add(tok.encode("the movie was really great !", "the actors were not bad", 20));
        rows.add(tok.encode("boring", null, 20));
        rows.add(tok.encode("a very good film , and a fun story .", null, 20));
        // The vocab.txt has [PAD] at 0; RoBERTa pads with its pad id 1 as HuggingFace does.
        EncoderBatch batch = EncoderInputs.pad(rows, cfg.padTokenId(), null);
        if (cfg.typeVocabSize() == 1) {
            batch = new EncoderBatch(batch.inputIds(), batch.attentionMask(), null, null, null);
        }
        ForwardState s = new BertEncoderModel(model.parameters(), Pooling.CLS).forward(batch, false);
        INDArray hidden = s.lastHiddenState();
        NaiveBertForward naive = new NaiveBertForward(cfg, tensors);
        double maxDiff = 0;
        for (int i = 0; i < batch.size(); i++) {
            int[] types = batch.tokenTypeIds() == null ? new int[batch.seqLength()] : batch.tokenTypeIds()[i];
            double[][] expected = naive.hidden(batch.inputIds()[i], batch.attentionMask()[i], types);
            for (int j = 0; j < batch.seqLength(); j++) {
                if (batch.attentionMask()[i][j] == 0) {
                    continue;
                }
                for (int k = 0; k < cfg.hiddenSize(); k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(expected[j][k] - hidden.getDouble(i, j, k)));
                }
            }
            double[] logits = naive.logits(expected[0]);
            for (int k = 0; k < numLabels; k++) {
                assertEquals(logits[k], s.logits().getDouble(i, k), 1e-4, "logit " + k + " of row " + i);
            }
        }
        assertTrue(maxDiff < 1e-4, cfg.architecture() + ": max |diff| of hidden states " + maxDiff);
        assertTrue(batch.seqLength() > rows.get(1).length(), "batch is padded");
    }

    @Test
    void missingUnexpectedAndMisshapedTensorsAreNamed() throws IOException {
        BertConfig cfg = tinyBert();
        Map<String, FloatTensor> missing = randomTensors(cfg, 2, 1);
        missing.remove("encoder.layer.1.attention.self.key.bias");
        Path d1 = writeCheckpoint(tmp.resolve("missing"), cfg, missing, false);
        assertMessage(() -> ModelRegistry.load(d1.toString(), 2), "encoder.layer.1.attention.self.key.bias",
                d1.resolve("model.safetensors").toString());

        Map<String, FloatTensor> extra = randomTensors(cfg, 2, 1);
        extra.put("encoder.layer.5.output.dense.bias", new FloatTensor("encoder.layer.5.output.dense.bias",
                new long[]{16}, new float[16]));
        Path d2 = writeCheckpoint(tmp.resolve("extra"), cfg, extra, false);
        assertMessage(() -> ModelRegistry.load(d2.toString(), 2), "encoder.layer.5.output.dense.bias",
                d2.resolve("model.safetensors").toString());

        Map<String, FloatTensor> shape = randomTensors(cfg, 2, 1);
        shape.put("encoder.layer.0.intermediate.dense.weight", new FloatTensor("encoder.layer.0.intermediate.dense.weight",
                new long[]{16, 24}, new float[16 * 24]));
        Path d3 = writeCheckpoint(tmp.resolve("shape"), cfg, shape, false);
        assertMessage(() -> ModelRegistry.load(d3.toString(), 2), "encoder.layer.0.intermediate.dense.weight",
                d3.resolve("model.safetensors").toString());
    }

    @Test
    void unsupportedArchitecturesAndBrokenFilesAreNamed() throws IOException {
        BertConfig cfg = tinyBert();
        Path dir = writeCheckpoint(tmp.resolve("gpt"), cfg, randomTensors(cfg, 0, 3), false);
        ObjectMapper om = new ObjectMapper();
        ObjectNode config = (ObjectNode) om.readTree(dir.resolve("config.json").toFile());
        config.put("model_type", "gpt2");
        om.writeValue(dir.resolve("config.json").toFile(), config);
        assertMessage(() -> ModelRegistry.load(dir.toString(), 2), "gpt2", dir.resolve("config.json").toString());

        config.put("model_type", "bert").put("hidden_act", "relu");
        om.writeValue(dir.resolve("config.json").toFile(), config);
        assertMessage(() -> ModelRegistry.load(dir.toString(), 2), "relu", dir.resolve("config.json").toString());

        config.put("hidden_act", "gelu").remove("num_attention_heads");
        om.writeValue(dir.resolve("config.json").toFile(), config);
        assertMessage(() -> ModelRegistry.load(dir.toString(), 2), "num_attention_heads", "config.json");

        Path noTok = writeCheckpoint(tmp.resolve("notok"), cfg, randomTensors(cfg, 0, 3), false);
        Files.delete(noTok.resolve("vocab.txt"));
        assertMessage(() -> ModelRegistry.load(noTok.toString(), 2), "tokenizer", noTok.toString());

        Path corrupt = writeCheckpoint(tmp.resolve("corrupt"), cfg, randomTensors(cfg, 0, 3), false);
        byte[] bytes = Files.readAllBytes(corrupt.resolve("model.safetensors"));
        Files.write(corrupt.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertMessage(() -> ModelRegistry.load(corrupt.toString(), 2), "model.safetensors", "data_offsets");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("config.json"), om.writeValueAsString(HuggingFaceConfig.toJson(cfg)));
        assertMessage(() -> ModelRegistry.load(empty.toString(), 2), "model.safetensors", empty.toString());

        assertMessage(() -> ModelRegistry.load(tmp.resolve("nowhere").toString(), 2), "nowhere", "tiny-random");
    }

    @Test
    void halfPrecisionTensorsAreWidenedToFloat() throws IOException {
        float[] values = {0f, 1f, -2.5f, 3.14159f, 65504f, 1e-5f, -0.333333f};
        Map<String, FloatTensor> m = Map.of("x", new FloatTensor("x", new long[]{values.length}, values));
        for (String dtype : List.of("F16", "BF16")) {
            Path f = tmp.resolve(dtype + ".safetensors");
            SafeTensors.write(f, m, Map.of(), dtype);
            float[] back = SafeTensors.read(f).get("x").data();
            for (int i = 0; i < values.length; i++) {
                double tolerance = Math.abs(values[i]) * (dtype.equals("F16") ? 1e-3 : 8e-3) + 1e-7;
                assertEquals(values[i], back[i], tolerance, dtype + " value " + values[i]);
            }
        }
        assertEquals(1.0f, HalfFloats.fromHalf((short) 0x3C00));
        assertEquals(-2.0f, HalfFloats.fromHalf((short) 0xC000));
        assertEquals(5.9604645e-8f, HalfFloats.fromHalf((short) 0x0001)); // smallest subnormal
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.fromHalf((short) 0x7C00));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        ModelLoadException e = assertThrows(ModelLoadException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }
}
