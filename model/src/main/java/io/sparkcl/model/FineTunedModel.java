package io.sparkcl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkcl.losses.Method;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.ForwardState;
import io.sparkcl.model.encoder.ModelLoadException;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.io.FloatTensor;
import io.sparkcl.model.io.HuggingFaceCheckpoint;
import io.sparkcl.model.io.HuggingFaceConfig;
import io.sparkcl.model.io.SafeTensors;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A fine-tuned classifier: encoder + head parameters, label set, tokenizer and the training configuration,
 * saved as one directory and used for batched inference.
 *
 * <p>Directory layout (HuggingFace-compatible where possible):
 * <pre>
 *   config.json            BERT/RoBERTa config + num_labels, id2label/label2id and a "sparkcl" block
 *                          (pooling, max_length, head: linear | dualcl, head_labels)
 *   model.safetensors      F32 tensors: "bert."/"roberta." + encoder names, classifier.weight/bias
 *   tokenizer.json         or vocab.txt (+ tokenizer_config.json): the tokenizer the model was trained with
 *   labels.json            {"labels": [...], "label_texts": [...]} (label_texts: the names put into DualCL inputs)
 *   training_config.json   the trainer's configuration, stored as given
 * </pre>
 * {@link #save} writes into a temporary sibling directory and renames it into place, so a reader never sees a
 * half-written model. {@link #load} followed by {@link #predict} reproduces the saved model's predictions
 * exactly.
 *
 * <p>DualCL models (training config {@code method: dualcl}) are scored with the label-aware input
 * {@code [CLS] l_1 … l_K [SEP] text [SEP]} and logits {@code z · θ_k}; others with the linear head.
 * Thread-safe: every {@code predict} call uses its own encoder instance over the shared parameters.
 */
public final class FineTunedModel {

    private static final Logger LOG = LoggerFactory.getLogger(FineTunedModel.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static final String LABELS_FILE = "labels.json";
    public static final String TRAINING_CONFIG_FILE = "training_config.json";
    public static final int FORMAT_VERSION = 1;

    private final BertParameters parameters;
    private final Pooling pooling;
    private final List<String> labels;
    private final List<String> labelTexts;
    private final TokenizerSpec tokenizerSpec;
    private final int maxLength;
    private final String trainingConfigJson;
    private final ClassifierHead head;
    /** Built on first use (or at load, so that the model keeps working if its folder is removed). */
    private volatile TextTokenizer tokenizer;

    private FineTunedModel(BertParameters parameters, Pooling pooling, List<String> labels, List<String> labelTexts,
                           TokenizerSpec tokenizerSpec, int maxLength, String trainingConfigJson, ClassifierHead head) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.pooling = Objects.requireNonNull(pooling, "pooling");
        this.labels = List.copyOf(labels);
        this.labelTexts = List.copyOf(labelTexts == null ? labels : labelTexts);
        this.tokenizerSpec = Objects.requireNonNull(tokenizerSpec, "tokenizerSpec");
        this.maxLength = maxLength;
        this.trainingConfigJson = trainingConfigJson;
        this.head = Objects.requireNonNull(head, "head");
        if (this.labels.isEmpty()) {
            throw new IllegalArgumentException("FineTunedModel: no labels");
        }
        if (this.labelTexts.size() != this.labels.size()) {
            throw new IllegalArgumentException("FineTunedModel: " + labels.size() + " labels but " + labelTexts.size()
                    + " label texts");
        }
        if (head == ClassifierHead.LINEAR && parameters.numLabels() != this.labels.size()) {
            throw new IllegalArgumentException("FineTunedModel: the linear head has " + parameters.numLabels()
                    + " outputs but there are " + labels.size() + " labels " + labels);
        }
        if (maxLength < 4 || maxLength > parameters.config().maxPositionEmbeddings()) {
            throw new IllegalArgumentException("FineTunedModel: maxLength " + maxLength + " outside [4, "
                    + parameters.config().maxPositionEmbeddings() + "]");
        }
    }

    /**
     * A model from training results.
     *
     * @param head               how classes are scored (the training method's head, {@link ClassifierHead#of})
     * @param labelTexts         names used in DualCL inputs (null: the labels themselves)
     * @param trainingConfigJson the trainer's configuration as a JSON object (null: {}), kept for reference
     */
    public static FineTunedModel of(BertParameters parameters, Pooling pooling, ClassifierHead head,
                                    List<String> labels, List<String> labelTexts, TokenizerSpec tokenizerSpec,
                                    int maxLength, String trainingConfigJson) {
        return new FineTunedModel(parameters, pooling, labels, labelTexts, tokenizerSpec, maxLength,
                normaliseTrainingConfig(trainingConfigJson), head);
    }

    /** As {@link #of(BertParameters, Pooling, ClassifierHead, List, List, TokenizerSpec, int, String)} with a Map. */
    public static FineTunedModel of(BertParameters parameters, Pooling pooling, ClassifierHead head,
                                    List<String> labels, List<String> labelTexts, TokenizerSpec tokenizerSpec,
                                    int maxLength, Map<String, ?> trainingConfig) {
        try {
            return of(parameters, pooling, head, labels, labelTexts, tokenizerSpec, maxLength,
                    trainingConfig == null ? null : JSON.writeValueAsString(trainingConfig));
        } catch (IOException e) {
            throw new IllegalArgumentException("training configuration is not serialisable as JSON: " + e.getMessage(), e);
        }
    }

    private static String normaliseTrainingConfig(String json) {
        if (json == null || json.isBlank()) {
            return "{}";
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("training configuration must be a JSON object, got: "
                        + json.substring(0, Math.min(80, json.length())));
            }
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalArgumentException("training configuration is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Folders saved before {@code sparkcl.head} was written: DUALCL when the training configuration's "method"
     * (top level first, else the first nested one) is dualcl.
     */
    static ClassifierHead legacyHeadOf(String trainingConfigJson) {
        try {
            JsonNode root = JSON.readTree(trainingConfigJson);
            JsonNode method = root.get("method");
            if (method == null) {
                method = root.findValue("method");
            }
            return method != null && method.isTextual() ? ClassifierHead.of(Method.parse(method.asText()))
                    : ClassifierHead.LINEAR;
        } catch (IOException e) {
            throw new IllegalArgumentException("training configuration is not valid JSON: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ saving

    /** Saves atomically into {@code dir} (replacing an existing model there). */
    public void save(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            writeFiles(tmp);
            replace(tmp, target);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
        LOG.info("Saved fine-tuned model ({} labels, head {}) to {}", labels.size(), head, target);
    }

    private void writeFiles(Path dir) throws IOException {
        BertConfig cfg = parameters.config();
        ObjectNode config = HuggingFaceConfig.toJson(cfg);
        config.put("num_labels", labels.size());
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int k = 0; k < labels.size(); k++) {
            id2label.put(String.valueOf(k), labels.get(k));
            label2id.put(labels.get(k), k);
        }
        ObjectNode sparkcl = config.putObject("sparkcl");
        sparkcl.put("format_version", FORMAT_VERSION);
        sparkcl.put("pooling", pooling.id());
        sparkcl.put("max_length", maxLength);
        sparkcl.put("head", head.id());
        sparkcl.put("head_labels", parameters.numLabels());
        TransformersHead exported = TransformersHead.of(cfg, pooling, head);
        exported.describe(config, sparkcl, pooling, head);
        HuggingFaceConfig.write(dir.resolve(HuggingFaceCheckpoint.CONFIG_FILE), config);

        SafeTensors.write(dir.resolve(HuggingFaceCheckpoint.WEIGHTS_FILE), exported.toFile(parameters.toHuggingFace()),
                Map.of("format", "pt"));

        Tokenizers.copyFiles(tokenizerSpec, dir);

        ObjectNode labelsJson = JSON.createObjectNode();
        ArrayNode l = labelsJson.putArray("labels");
        labels.forEach(l::add);
        ArrayNode t = labelsJson.putArray("label_texts");
        labelTexts.forEach(t::add);
        JSON.writeValue(dir.resolve(LABELS_FILE).toFile(), labelsJson);
        JSON.writeValue(dir.resolve(TRAINING_CONFIG_FILE).toFile(), JSON.readTree(trainingConfigJson));
    }

    /** Moves tmp to target; an existing target is moved aside first and deleted after the swap. */
    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE); // put the previous model back
            }
            throw e;
        }
        if (old != null) {
            deleteRecursively(old);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ loading

    /** Loads a directory written by {@link #save}. */
    public static FineTunedModel load(Path dir) throws IOException {
        Path folder = dir.toAbsolutePath().normalize();
        Path labelsFile = folder.resolve(LABELS_FILE);
        if (!Files.isRegularFile(labelsFile)) {
            throw new ModelLoadException("Not a saved SparkCL model: no " + LABELS_FILE + " in " + folder);
        }
        JsonNode labelsJson = JSON.readTree(labelsFile.toFile());
        List<String> labels = strings(labelsJson.path("labels"), labelsFile, "labels");
        List<String> labelTexts = labelsJson.has("label_texts")
                ? strings(labelsJson.path("label_texts"), labelsFile, "label_texts") : labels;

        Path configFile = folder.resolve(HuggingFaceCheckpoint.CONFIG_FILE);
        JsonNode config = JSON.readTree(configFile.toFile());
        JsonNode sparkcl = config.path("sparkcl");
        if (!sparkcl.isObject()) {
            throw new ModelLoadException("No 'sparkcl' block in " + configFile + " (not saved by FineTunedModel)");
        }
        Pooling pooling = Pooling.parse(sparkcl.path("pooling").asText("cls"));
        int maxLength = sparkcl.path("max_length").asInt(128);
        int headLabels = sparkcl.path("head_labels").asInt(labels.size());

        Path trainingFile = folder.resolve(TRAINING_CONFIG_FILE);
        String training = Files.isRegularFile(trainingFile) ? JSON.writeValueAsString(JSON.readTree(trainingFile.toFile()))
                : "{}";
        ClassifierHead head;
        try {
            head = sparkcl.has("head") ? ClassifierHead.parse(sparkcl.get("head").asText()) : legacyHeadOf(training);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("Invalid sparkcl.head '" + sparkcl.path("head").asText() + "' in " + configFile
                    + ": expected linear or dualcl", e);
        }

        HuggingFaceCheckpoint.Loaded loaded = HuggingFaceCheckpoint.load(folder);
        Map<String, INDArray> tensors = TransformersHead.of(loaded.config(), sparkcl)
                .fromFile(FloatTensor.toINDArrays(loaded.tensors()), folder.resolve(HuggingFaceCheckpoint.WEIGHTS_FILE));
        if (headLabels > 0 && !tensors.containsKey(BertParameters.CLASSIFIER_WEIGHT)) {
            throw new ModelLoadException("Missing tensor " + BertParameters.CLASSIFIER_WEIGHT + " in "
                    + loaded.weightsSource());
        }
        BertParameters parameters = BertParameters.fromHuggingFace(loaded.config(), headLabels, tensors,
                loaded.weightsSource(), BertParameters.DEFAULT_HEAD_SEED, DataType.FLOAT);
        TokenizerSpec spec = new TokenizerSpec(folder.toString());
        FineTunedModel model = new FineTunedModel(parameters, pooling, labels, labelTexts, spec, maxLength, training,
                head);
        model.tokenizer = Tokenizers.load(spec); // fails now if the tokenizer is missing; survives folder removal
        return model;
    }

    private static List<String> strings(JsonNode array, Path file, String field) {
        if (!array.isArray() || array.isEmpty()) {
            throw new ModelLoadException("Field '" + field + "' of " + file + " must be a non-empty array of strings");
        }
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    // ------------------------------------------------------------------------------------------------ inference

    /**
     * Class probabilities and pooled features of {@code texts} (with {@code pairs} as second segments, may be
     * null or hold nulls), in batches of {@code batchSize} rows; rows are grouped by length so that each batch
     * is padded to its own longest row.
     */
    public Predictions predict(List<String> texts, List<String> pairs, int batchSize) {
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException("predict: " + texts.size() + " texts but " + pairs.size() + " pairs");
        }
        TextTokenizer tokenizer = tokenizer();
        List<Encoding> rows = new ArrayList<>(texts.size());
        if (head.labelAwareInput()) {
            for (int i = 0; i < texts.size(); i++) {
                rows.add(tokenizer.encodeWithLabels(labelTexts, texts.get(i), pairs == null ? null : pairs.get(i),
                        maxLength));
            }
        } else {
            rows.addAll(tokenizer.encodeBatch(texts, pairs, maxLength));
        }
        return predictEncodings(rows, tokenizer.padTokenId(), batchSize);
    }

    /** Inference over already tokenised rows (label-aware rows for DualCL models). */
    public Predictions predictEncodings(List<Encoding> rows, int padTokenId, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("predict: batchSize must be positive, got " + batchSize);
        }
        int n = rows.size();
        float[][] probabilities = new float[n][];
        float[][] features = new float[n][];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> rows.get(i).length())); // stable: ties keep input order
        BertEncoderModel encoder = new BertEncoderModel(parameters, pooling);
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            List<Encoding> chunk = new ArrayList<>(end - start);
            for (int j = start; j < end; j++) {
                chunk.add(rows.get(order[j]));
            }
            EncoderBatch batch = EncoderInputs.pad(chunk, padTokenId, null);
            if (head.labelAwareInput() && batch.labelPositions() == null) {
                throw new IllegalArgumentException("predict: a DualCL model needs label-aware rows (encodeWithLabels)");
            }
            ForwardState state = encoder.forward(batch, false);
            float[][] p = head.probabilities(state);
            float[][] f = state.pooled().castTo(DataType.FLOAT).toFloatMatrix();
            for (int j = start; j < end; j++) {
                probabilities[order[j]] = p[j - start];
                features[order[j]] = f[j - start];
            }
        }
        return new Predictions(probabilities, features, labels);
    }

    // ------------------------------------------------------------------------------------------------ accessors

    public BertParameters parameters() {
        return parameters;
    }

    public BertConfig config() {
        return parameters.config();
    }

    public Pooling pooling() {
        return pooling;
    }

    public List<String> labels() {
        return labels;
    }

    public List<String> labelTexts() {
        return labelTexts;
    }

    /**
     * The tokenizer's recipe: for a loaded model, the model folder (executors rebuild the tokenizer from it, so
     * the folder must stay readable while they run).
     */
    public TokenizerSpec tokenizerSpec() {
        return tokenizerSpec;
    }

    /** The model's tokenizer (JVM-wide shared instance, thread-safe). */
    public TextTokenizer tokenizer() {
        TextTokenizer t = tokenizer;
        if (t == null) {
            t = Tokenizers.load(tokenizerSpec);
            tokenizer = t;
        }
        return t;
    }

    public int maxLength() {
        return maxLength;
    }

    public ClassifierHead head() {
        return head;
    }

    /** The training configuration as saved (a JSON object). */
    public String trainingConfigJson() {
        return trainingConfigJson;
    }

    /** The training configuration parsed into maps/lists/scalars. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> trainingConfig() {
        try {
            return JSON.readValue(trainingConfigJson, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
