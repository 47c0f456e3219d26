package io.sparkcl.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A BERT-family checkpoint in a local folder in HuggingFace layout: {@code config.json} and
 * {@code model.safetensors} (or a sharded {@code model.safetensors.index.json}).
 *
 * <p>Tensor names are brought to the encoder's contract: the {@code bert.} / {@code roberta.} prefix is
 * stripped, old {@code LayerNorm.gamma/beta} become {@code weight/bias}, and tensors outside the encoder are
 * dropped: {@code pooler.*}, pre-training heads ({@code cls.*}, {@code lm_head.*}) and RoBERTa's two-layer
 * classification head ({@code classifier.dense/out_proj}). {@code classifier.weight/bias} (BERT's linear
 * head, and the head of models saved by this project) are kept.
 */
public final class HuggingFaceCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(HuggingFaceCheckpoint.class);

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String WEIGHTS_INDEX_FILE = "model.safetensors.index.json";

    /** Configuration and encoder tensors of a folder. */
    public record Loaded(BertConfig config, Map<String, FloatTensor> tensors, String weightsSource) {
    }

    private HuggingFaceCheckpoint() {
    }

    public static boolean looksLikeCheckpoint(Path folder) {
        return Files.isDirectory(folder) && Files.isRegularFile(folder.resolve(CONFIG_FILE));
    }

    public static Loaded load(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new ModelLoadException("Model folder " + folder + " does not exist");
        }
        BertConfig config = HuggingFaceConfig.read(folder.resolve(CONFIG_FILE));
        Path weights = folder.resolve(WEIGHTS_FILE);
        Path index = folder.resolve(WEIGHTS_INDEX_FILE);
        Map<String, FloatTensor> raw;
        String source;
        if (Files.isRegularFile(weights)) {
            raw = SafeTensors.read(weights);
            source = weights.toString();
        } else if (Files.isRegularFile(index)) {
            raw = readSharded(folder, index);
            source = index.toString();
        } else {
            String hint = Files.exists(folder.resolve("pytorch_model.bin"))
                    ? " (found pytorch_model.bin: convert it to model.safetensors, e.g. with the HuggingFace "
                    + "'safetensors' convert script or model.save_pretrained(..., safe_serialization=True))"
                    : "";
            throw new ModelLoadException("No " + WEIGHTS_FILE + " in " + folder + hint);
        }
        return new Loaded(config, toEncoderNames(raw, source), source);
    }

    private static Map<String, FloatTensor> readSharded(Path folder, Path index) throws IOException {
        JsonNode map = HuggingFaceConfig.JSON.readTree(index.toFile()).path("weight_map");
        if (!map.isObject()) {
            throw new ModelLoadException("No weight_map in " + index);
        }
        TreeSet<String> shards = new TreeSet<>();
        map.elements().forEachRemaining(v -> shards.add(v.asText()));
        Map<String, FloatTensor> all = new LinkedHashMap<>();
        for (String shard : shards) {
            Path p = folder.resolve(shard);
            if (!Files.isRegularFile(p)) {
                throw new ModelLoadException("Shard " + shard + " listed in " + index + " is missing");
            }
            all.putAll(SafeTensors.read(p));
        }
        return all;
    }

    /** Renames/drops tensors as described in the class comment. */
    public static Map<String, FloatTensor> toEncoderNames(Map<String, FloatTensor> raw, String source) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (FloatTensor t : raw.values()) {
            String name = OnnxBertImporter.stripModelPrefix(t.name());
            if (name.startsWith("pooler.") || name.startsWith("cls.") || name.startsWith("lm_head.")
                    || name.equals("embeddings.position_ids")) {
                continue;
            }
            if (name.startsWith("classifier.dense.") || name.startsWith("classifier.out_proj.")) {
                LOG.warn("Ignoring tensor {} of {}: RoBERTa's two-layer classification head is not used "
                        + "(a linear head is initialised instead)", t.name(), source);
                continue;
            }
            if (name.endsWith(".gamma")) {
                name = name.substring(0, name.length() - ".gamma".length()) + ".weight";
            } else if (name.endsWith(".beta")) {
                name = name.substring(0, name.length() - ".beta".length()) + ".bias";
            }
            if (out.put(name, t.rename(name)) != null) {
                throw new ModelLoadException("Two tensors map to " + name + " in " + source);
            }
        }
        return out;
    }
}
