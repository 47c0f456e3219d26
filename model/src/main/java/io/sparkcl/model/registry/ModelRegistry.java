package io.sparkcl.model.registry;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ModelLoadException;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.io.FloatTensor;
import io.sparkcl.model.io.HuggingFaceCheckpoint;
import io.sparkcl.model.io.OnnxBertImporter;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names the encoders a run can start from:
 * <ul>
 *   <li>{@code tiny-random}: {@link BertConfig#tinyRandom()} with parameters drawn from a fixed seed and the
 *       MiniLM tokenizer (tests and smoke runs);</li>
 *   <li>{@code all-minilm-l6-v2} (the default), {@code bge-small-en-v1.5}, {@code e5-small-v2}: fp32 ONNX
 *       weights from langchain4j's Maven artifacts (see {@link ModelArtifacts});</li>
 *   <li>anything else: a local folder in HuggingFace layout ({@code config.json}, {@code model.safetensors},
 *       {@code tokenizer.json} or {@code vocab.txt}), e.g. bert-base-uncased or roberta-base.</li>
 * </ul>
 * Weights read from ONNX are kept per JVM (soft references) so repeated loads (tests, executors) do not
 * parse the file again; every load returns its own parameter copy.
 */
public final class ModelRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    public static final String TINY_RANDOM = ShippedModel.TINY_RANDOM;
    public static final String DEFAULT_MODEL = ShippedModel.DEFAULT_MODEL;
    /** Seed of the tiny-random parameters. */
    public static final long TINY_RANDOM_SEED = 20240229L;

    private static final Map<ShippedModel, SoftReference<OnnxBertImporter.Imported>> ONNX_CACHE =
            new ConcurrentHashMap<>();

    private ModelRegistry() {
    }

    /** Registry names (folders are accepted in addition). */
    public static List<String> names() {
        return ShippedModel.registryNames();
    }

    /** Loads a registry model or a HuggingFace folder with a linear head of {@code numLabels} classes (0: none). */
    public static PretrainedModel load(String nameOrPath, int numLabels) {
        String name = nameOrPath == null || nameOrPath.isBlank() ? DEFAULT_MODEL : nameOrPath.trim();
        try {
            if (name.equalsIgnoreCase(TINY_RANDOM)) {
                BertConfig cfg = BertConfig.tinyRandom();
                BertParameters p = BertParameters.randomInit(cfg, numLabels, TINY_RANDOM_SEED, DataType.FLOAT);
                return new PretrainedModel(TINY_RANDOM, cfg, p, new TokenizerSpec(TINY_RANDOM), Pooling.CLS,
                        "random (seed " + TINY_RANDOM_SEED + ")");
            }
            var shipped = ShippedModel.byName(name);
            if (shipped.isPresent()) {
                return loadShipped(shipped.get(), numLabels);
            }
            Path folder = Paths.get(name);
            if (Files.isDirectory(folder)) {
                return loadFolder(folder, numLabels);
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read model '" + name + "': " + e.getMessage(), e);
        }
        throw new ModelLoadException("Unknown model '" + name + "': not one of " + names()
                + " and not a folder with config.json + model.safetensors");
    }

    private static PretrainedModel loadShipped(ShippedModel model, int numLabels) throws IOException {
        OnnxBertImporter.Imported imported = importOnnx(model);
        BertConfig cfg = model.expectedConfig();
        String source = model.coordinates() + "!/" + model.onnxResource();
        BertParameters p = BertParameters.fromHuggingFace(cfg, numLabels, FloatTensor.toINDArrays(imported.tensors()),
                source);
        return new PretrainedModel(model.modelName(), cfg, p, new TokenizerSpec(model.modelName()), model.pooling(),
                source);
    }

    /** Parsed ONNX weights of a shipped model, verified against its expected sizes; cached per JVM. */
    public static OnnxBertImporter.Imported importOnnx(ShippedModel model) throws IOException {
        SoftReference<OnnxBertImporter.Imported> ref = ONNX_CACHE.get(model);
        OnnxBertImporter.Imported imported = ref == null ? null : ref.get();
        if (imported != null) {
            return imported;
        }
        synchronized (ONNX_CACHE) {
            ref = ONNX_CACHE.get(model);
            imported = ref == null ? null : ref.get();
            if (imported == null) {
                long t0 = System.nanoTime();
                ModelArtifacts.Resource r = ModelArtifacts.open(model, model.onnxResource());
                try (InputStream in = r.stream()) {
                    imported = OnnxBertImporter.read(in, r.location());
                }
                verifyDerivedConfig(model.expectedConfig(), imported.config(), r.location());
                LOG.info("Read {} from {} in {} ms", model.modelName(), r.location(), (System.nanoTime() - t0) / 1_000_000);
                ONNX_CACHE.put(model, new SoftReference<>(imported));
            }
            return imported;
        }
    }

    /** Throws {@link ModelLoadException} naming the field and file when sizes derived from a file differ from the expected ones. */
    public static void verifyDerivedConfig(BertConfig expected, BertConfig derived, String source) {
        Map<String, int[]> checks = new LinkedHashMap<>();
        checks.put("num_hidden_layers", new int[]{expected.numHiddenLayers(), derived.numHiddenLayers()});
        checks.put("hidden_size", new int[]{expected.hiddenSize(), derived.hiddenSize()});
        checks.put("num_attention_heads", new int[]{expected.numAttentionHeads(), derived.numAttentionHeads()});
        checks.put("intermediate_size", new int[]{expected.intermediateSize(), derived.intermediateSize()});
        checks.put("vocab_size", new int[]{expected.vocabSize(), derived.vocabSize()});
        checks.put("max_position_embeddings", new int[]{expected.maxPositionEmbeddings(), derived.maxPositionEmbeddings()});
        checks.put("type_vocab_size", new int[]{expected.typeVocabSize(), derived.typeVocabSize()});
        for (Map.Entry<String, int[]> c : checks.entrySet()) {
            if (c.getValue()[0] != c.getValue()[1]) {
                throw new ModelLoadException(c.getKey() + " of " + source + " is " + c.getValue()[1]
                        + " (from its tensors), but the registry expects " + c.getValue()[0]);
            }
        }
        if (Math.abs(expected.layerNormEps() - derived.layerNormEps()) > 1e-3 * expected.layerNormEps()) {
            throw new ModelLoadException("layer_norm_eps of " + source + " is " + derived.layerNormEps()
                    + ", but the registry expects " + expected.layerNormEps());
        }
    }

    private static PretrainedModel loadFolder(Path folder, int numLabels) throws IOException {
        HuggingFaceCheckpoint.Loaded loaded = HuggingFaceCheckpoint.load(folder);
        Map<String, FloatTensor> tensors = new LinkedHashMap<>(loaded.tensors());
        FloatTensor head = tensors.get(BertParameters.CLASSIFIER_WEIGHT);
        if (head != null && (head.shape().length != 2 || head.shape()[0] != numLabels)) {
            // A pre-trained checkpoint's head for another label set: start a new one.
            LOG.warn("{} has a classifier for {} labels; initialising a new head for {} labels", loaded.weightsSource(),
                    head.shape()[0], numLabels);
            tensors.remove(BertParameters.CLASSIFIER_WEIGHT);
            tensors.remove(BertParameters.CLASSIFIER_BIAS);
        }
        BertParameters p = BertParameters.fromHuggingFace(loaded.config(), numLabels, FloatTensor.toINDArrays(tensors),
                loaded.weightsSource());
        TokenizerSpec spec = new TokenizerSpec(folder.toAbsolutePath().normalize().toString());
        Tokenizers.describe(spec); // fails early (ModelLoadException) when the folder has no tokenizer
        String arch = loaded.config().architecture().toLowerCase(Locale.ROOT);
        Pooling pooling = Pooling.CLS; // BERT/RoBERTa classification heads read the first token
        LOG.info("Loaded {} encoder from {} ({} layers, width {})", arch, folder, loaded.config().numHiddenLayers(),
                loaded.config().hiddenSize());
        return new PretrainedModel(folder.toString(), loaded.config(), p, spec, pooling, loaded.weightsSource());
    }
}
