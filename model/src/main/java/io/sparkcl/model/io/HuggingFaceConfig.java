package io.sparkcl.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.ModelLoadException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes HuggingFace {@code config.json} for the BERT family ({@code model_type} bert or roberta).
 *
 * <p>Only the architecture this project implements is accepted: absolute position embeddings and the exact
 * (erf) GELU. RoBERTa's position ids start after the padding index, so its {@code positionOffset} is
 * {@code pad_token_id + 1}.
 */
public final class HuggingFaceConfig {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final List<String> SUPPORTED_TYPES = List.of("bert", "roberta");

    private HuggingFaceConfig() {
    }

    public static BertConfig read(Path configJson) throws IOException {
        if (!Files.isRegularFile(configJson)) {
            throw new ModelLoadException("Missing model configuration " + configJson);
        }
        JsonNode root;
        try {
            root = JSON.readTree(configJson.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot parse " + configJson + ": " + e.getMessage(), e);
        }
        return parse(root, configJson.toString());
    }

    public static BertConfig parse(JsonNode root, String source) {
        String type = root.path("model_type").asText("").toLowerCase(Locale.ROOT);
        if (!SUPPORTED_TYPES.contains(type)) {
            throw new ModelLoadException("Unsupported architecture model_type='" + root.path("model_type").asText("")
                    + "' in " + source + "; supported: " + SUPPORTED_TYPES + " (BERT-family encoders)");
        }
        String act = root.path("hidden_act").asText("gelu");
        if (!act.equals("gelu")) {
            throw new ModelLoadException("Unsupported hidden_act='" + act + "' in " + source
                    + "; only the exact (erf) 'gelu' of BERT/RoBERTa is implemented");
        }
        String positions = root.path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new ModelLoadException("Unsupported position_embedding_type='" + positions + "' in " + source
                    + "; only 'absolute' is implemented");
        }
        boolean roberta = type.equals("roberta");
        int pad = root.path("pad_token_id").asInt(roberta ? 1 : 0);
        try {
            return new BertConfig(type,
                    required(root, "vocab_size", source),
                    required(root, "hidden_size", source),
                    required(root, "num_hidden_layers", source),
                    required(root, "num_attention_heads", source),
                    required(root, "intermediate_size", source),
                    required(root, "max_position_embeddings", source),
                    root.path("type_vocab_size").asInt(roberta ? 1 : 2),
                    root.path("layer_norm_eps").asDouble(1e-12),
                    root.path("hidden_dropout_prob").asDouble(0.1),
                    root.path("attention_probs_dropout_prob").asDouble(0.1),
                    pad,
                    roberta ? pad + 1 : 0);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("Invalid configuration in " + source + ": " + e.getMessage(), e);
        }
    }

    private static int required(JsonNode root, String field, String source) {
        JsonNode v = root.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new ModelLoadException("Missing or non-integer field '" + field + "' in " + source);
        }
        return v.asInt();
    }

    /** The config.json content for {@code cfg} (HuggingFace field names), to which callers may add fields. */
    public static ObjectNode toJson(BertConfig cfg) {
        ObjectNode o = JSON.createObjectNode();
        boolean roberta = cfg.architecture().equals("roberta");
        o.putArray("architectures").add(roberta ? "RobertaModel" : "BertModel");
        o.put("model_type", cfg.architecture());
        o.put("vocab_size", cfg.vocabSize());
        o.put("hidden_size", cfg.hiddenSize());
        o.put("num_hidden_layers", cfg.numHiddenLayers());
        o.put("num_attention_heads", cfg.numAttentionHeads());
        o.put("intermediate_size", cfg.intermediateSize());
        o.put("max_position_embeddings", cfg.maxPositionEmbeddings());
        o.put("type_vocab_size", cfg.typeVocabSize());
        o.put("layer_norm_eps", cfg.layerNormEps());
        o.put("hidden_dropout_prob", cfg.hiddenDropout());
        o.put("attention_probs_dropout_prob", cfg.attentionDropout());
        o.put("pad_token_id", cfg.padTokenId());
        o.put("hidden_act", "gelu");
        o.put("position_embedding_type", "absolute");
        return o;
    }

    public static void write(Path configJson, ObjectNode content) throws IOException {
        JSON.writeValue(configJson.toFile(), content);
    }
}
