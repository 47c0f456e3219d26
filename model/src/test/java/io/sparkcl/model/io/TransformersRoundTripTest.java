package io.sparkcl.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.losses.Method;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A saved model read back the way HuggingFace transformers reads it: this test parses {@code config.json} and
 * {@code model.safetensors} itself, runs the plain float64 reference encoder ({@link NaiveBertForward}) and then
 * the head of the class named in {@code architectures} with transformers' semantics
 * ({@code BertForSequenceClassification}: tanh pooler on [CLS] then the classifier;
 * {@code RobertaForSequenceClassification}: tanh(classifier.dense) on &lt;s&gt; then classifier.out_proj;
 * {@code BertModel}/{@code RobertaModel}: the recipe written in {@code sparkcl.transformers.note}), and must
 * get SparkCL's probabilities within 1e-4.
 */
class TransformersRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LABELS = List.of("good", "bad", "boring");
    private static final List<String> TEXTS = List.of("the movie was really great !", "boring",
            "a very good film , and a fun story .", "the actors were not bad");
    private static final List<String> PAIRS = Arrays.asList(null, "it is bad", null, "the plot is fun");
    private static final int MAX_LENGTH = 20;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"bert, cls, ce", "roberta, cls, scl", "bert, mean, ce", "bert, cls, dualcl", "roberta, mean, dualcl"})
    void theNamedTransformersArchitectureReproducesSparkClProbabilities(String arch, String pooling, String method)
            throws IOException {
        // RoBERTa with two token types: the fixture's WordPiece vocabulary gives second segments type 1.
        BertConfig cfg = arch.equals("roberta")
                ? new BertConfig("roberta", HuggingFaceFolderTest.tinyRoberta().vocabSize(), 16, 2, 4, 24, 22, 2, 1e-5,
                0.1, 0.1, 1, 2)
                : HuggingFaceFolderTest.tinyBert();
        Path base = HuggingFaceFolderTest.writeCheckpoint(tmp.resolve("base"), cfg,
                HuggingFaceFolderTest.randomTensors(cfg, LABELS.size(), 11), false);
        PretrainedModel pm = ModelRegistry.load(base.toString(), LABELS.size());
        FineTunedModel model = FineTunedModel.of(pm.parameters(), Pooling.parse(pooling),
                ClassifierHead.of(Method.parse(method)), LABELS, LABELS,
                pm.tokenizerSpec(), MAX_LENGTH, "{\"method\":\"" + method + "\"}");
        float[][] sparkcl = model.predict(TEXTS, PAIRS, 2).probabilities();
        Path saved = tmp.resolve("model");
        model.save(saved);

        // SparkCL reads its own export back exactly (the scaled head is undone bit for bit).
        float[][] reloaded = FineTunedModel.load(saved).predict(TEXTS, PAIRS, 2).probabilities();
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(sparkcl[i], reloaded[i], "row " + i + " after SparkCL reload");
        }

        JsonNode config = JSON.readTree(saved.resolve("config.json").toFile());
        String architecture = config.path("architectures").get(0).asText();
        boolean exportable = pooling.equals("cls") && !method.equals("dualcl");
        String base0 = arch.equals("roberta") ? "Roberta" : "Bert";
        assertEquals(exportable ? base0 + "ForSequenceClassification" : base0 + "Model", architecture);
        JsonNode transformers = config.path("sparkcl").path("transformers");
        assertEquals(exportable, !transformers.path("class").isNull());
        if (method.equals("dualcl")) {
            assertTrue(transformers.path("note").asText().contains("transformers has no class"),
                    transformers.toString());
        }

        Reference reference = new Reference(saved, config);
        double maxDiff = 0;
        double spread = 0;
        for (int i = 0; i < TEXTS.size(); i++) {
            double[] p = reference.probabilities(architecture, TEXTS.get(i), PAIRS.get(i));
            for (int k = 0; k < LABELS.size(); k++) {
                maxDiff = Math.max(maxDiff, Math.abs(p[k] - sparkcl[i][k]));
                spread = Math.max(spread, Math.abs(p[k] - 1.0 / LABELS.size()));
            }
        }
        System.out.printf(Locale.ROOT, "%s %s %s -> %s: max |Δp| %.2e%n", arch, pooling, method, architecture, maxDiff);
        assertTrue(maxDiff < 1e-4, architecture + ": max |Δp| " + maxDiff);
        assertTrue(spread > 0.05, "probabilities too close to uniform for a sensitive check: " + spread);
    }

    /** transformers' forward for a model folder, from the files alone (tokenizer ids: the project's tokenizer). */
    private static final class Reference {
        private final JsonNode config;
        private final Map<String, FloatTensor> tensors;
        private final NaiveBertForward encoder;
        private final TextTokenizer tokenizer;
        private final List<String> labelTexts;
        private final boolean roberta;

        Reference(Path folder, JsonNode config) throws IOException {
            this.config = config;
            this.roberta = config.path("model_type").asText().equals("roberta");
            int pad = config.path("pad_token_id").asInt();
            BertConfig cfg = new BertConfig(config.path("model_type").asText(), config.path("vocab_size").asInt(),
                    config.path("hidden_size").asInt(), config.path("num_hidden_layers").asInt(),
                    config.path("num_attention_heads").asInt(), config.path("intermediate_size").asInt(),
                    config.path("max_position_embeddings").asInt(), config.path("type_vocab_size").asInt(),
                    config.path("layer_norm_eps").asDouble(), 0, 0, pad, roberta ? pad + 1 : 0);
            String prefix = cfg.architecture() + ".";
            tensors = new LinkedHashMap<>();
            readSafeTensors(folder.resolve("model.safetensors")).forEach((name, t) ->
                    tensors.put(name.startsWith(prefix) ? name.substring(prefix.length()) : name, t));
            encoder = new NaiveBertForward(cfg, tensors);
            tokenizer = Tokenizers.open(new TokenizerSpec(folder.toString()));
            List<String> texts = new ArrayList<>();
            JSON.readTree(folder.resolve("labels.json").toFile()).path("label_texts").forEach(n -> texts.add(n.asText()));
            labelTexts = texts;
        }

        double[] probabilities(String architecture, String text, String pair) {
            JsonNode sparkcl = config.path("sparkcl");
            boolean dualcl = sparkcl.path("head").asText().equals("dualcl");
            Encoding e = dualcl ? tokenizer.encodeWithLabels(labelTexts, text, pair, MAX_LENGTH)
                    : tokenizer.encode(text, pair, MAX_LENGTH);
            double[][] h = encoder.hidden(e.inputIds(), e.attentionMask(), e.tokenTypeIds());
            double[] logits = switch (architecture) {
                case "BertForSequenceClassification" -> dense(tanh(dense(h[0], "pooler.dense")), "classifier");
                case "RobertaForSequenceClassification" ->
                        dense(tanh(dense(h[0], "classifier.dense")), "classifier.out_proj");
                case "BertModel", "RobertaModel" -> {
                    double[] z = sparkcl.path("pooling").asText().equals("mean") ? mean(h, null) : h[0];
                    yield dualcl ? dualLogits(z, h) : dense(z, "classifier");
                }
                default -> throw new AssertionError("unexpected architecture " + architecture);
            };
            return softmax(logits);
        }

        /** θ_k = mean of the states at label k's tokens, which follow [CLS] in label order; logits z·θ_k. */
        private double[] dualLogits(double[] z, double[][] h) {
            double[] logits = new double[labelTexts.size()];
            int position = 1;
            for (int k = 0; k < labelTexts.size(); k++) {
                int pieces = tokenizer.encode(labelTexts.get(k), null, MAX_LENGTH).length() - 2; // without [CLS] [SEP]
                List<Integer> positions = new ArrayList<>();
                for (int j = 0; j < pieces; j++) {
                    positions.add(position++);
                }
                double[] theta = mean(h, positions);
                for (int c = 0; c < z.length; c++) {
                    logits[k] += z[c] * theta[c];
                }
            }
            return logits;
        }

        private double[] dense(double[] x, String module) {
            FloatTensor w = tensors.get(module + ".weight");
            FloatTensor b = tensors.get(module + ".bias");
            int out = (int) w.shape()[0];
            int in = (int) w.shape()[1];
            double[] y = new double[out];
            for (int o = 0; o < out; o++) {
                double s = b.data()[o];
                for (int c = 0; c < in; c++) {
                    s += w.data()[o * in + c] * x[c];
                }
                y[o] = s;
            }
            return y;
        }
    }

    private static double[] mean(double[][] h, List<Integer> rows) {
        List<Integer> r = rows;
        if (r == null) {
            r = new ArrayList<>();
            for (int j = 0; j < h.length; j++) {
                r.add(j);
            }
        }
        double[] m = new double[h[0].length];
        for (int j : r) {
            for (int c = 0; c < m.length; c++) {
                m[c] += h[j][c] / r.size();
            }
        }
        return m;
    }

    private static double[] tanh(double[] x) {
        return Arrays.stream(x).map(Math::tanh).toArray();
    }

    private static double[] softmax(double[] logits) {
        double max = Arrays.stream(logits).max().orElseThrow();
        double[] e = Arrays.stream(logits).map(l -> Math.exp(l - max)).toArray();
        double sum = Arrays.stream(e).sum();
        return Arrays.stream(e).map(v -> v / sum).toArray();
    }

    /** The safetensors format read directly: u64 LE header size, JSON header, little-endian F32 data. */
    private static Map<String, FloatTensor> readSafeTensors(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) buf.getLong(0);
        JsonNode header = JSON.readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            assertEquals("F32", e.getValue().path("dtype").asText(), e.getKey());
            long[] shape = new long[e.getValue().path("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.getValue().path("shape").get(i).asLong();
            }
            int begin = 8 + headerLength + e.getValue().path("data_offsets").get(0).asInt();
            int end = 8 + headerLength + e.getValue().path("data_offsets").get(1).asInt();
            float[] data = new float[(end - begin) / 4];
            for (int i = 0; i < data.length; i++) {
                data[i] = buf.getFloat(begin + 4 * i);
            }
            out.put(e.getKey(), new FloatTensor(e.getKey(), shape, data));
        }
        return out;
    }
}
