package io.sparkcl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ModelLoadException;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.io.FloatTensor;
import io.sparkcl.model.io.SafeTensors;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a fine-tuned model's classification head is written so that HuggingFace transformers computes what
 * SparkCL computes, and read back by SparkCL.
 *
 * <p>SparkCL's linear head sits directly on the pooled feature: {@code logits = W·h + b}. transformers'
 * {@code BertForSequenceClassification} puts a pooler {@code tanh(P·h_cls + c)} in between, and
 * {@code RobertaForSequenceClassification} a {@code tanh(dense)} layer. With CLS pooling we export that layer as
 * {@code P = ε·I, c = 0} and the classifier as {@code W/ε}: since {@code tanh(εx)/ε = x − ε²x³/3 + …}, the
 * transformers class then reproduces SparkCL's logits up to a relative {@code ε²x²/3} (≈ 1e-9 for ε = 2⁻¹⁴ and
 * |x| ≤ 10). ε is a power of two, so {@code W/ε·ε} is exactly {@code W} again when SparkCL reads the model back.
 *
 * <p>Mean pooling and the DualCL head (logits {@code z·θ_k} from the label-aware input) have no transformers
 * class: those models name the bare encoder ({@code BertModel}/{@code RobertaModel}), which loads exactly, and
 * keep {@code classifier.weight/bias} as SparkCL wrote them; {@code config.json} (block {@code sparkcl.transformers})
 * and the model card say how to compute the predictions from the encoder's {@code last_hidden_state}.
 */
public final class TransformersHead {

    /** ε: the scale that keeps the exported tanh layer in its linear range. */
    public static final float SCALE = 0x1p-14f;

    private static final String W = BertParameters.CLASSIFIER_WEIGHT;
    private static final String B = BertParameters.CLASSIFIER_BIAS;

    private final BertConfig config;
    private final boolean exact;

    private TransformersHead(BertConfig config, boolean exact) {
        this.config = config;
        this.exact = exact;
    }

    /** The head layout for a model with this encoder, pooling and head. */
    public static TransformersHead of(BertConfig config, Pooling pooling, ClassifierHead head) {
        return new TransformersHead(config, pooling == Pooling.CLS && head == ClassifierHead.LINEAR);
    }

    /** The layout recorded in a saved model's config.json (a model saved before this layout: the plain one). */
    static TransformersHead of(BertConfig config, JsonNode sparkclBlock) {
        return new TransformersHead(config, sparkclBlock.path("transformers").path("scaled_head").asBoolean(false));
    }

    private boolean roberta() {
        return config.architecture().equals("roberta");
    }

    /** Whether a transformers class reproduces SparkCL's predictions from this folder. */
    public boolean hasTransformersClass() {
        return exact;
    }

    /** The class named in config.json's {@code architectures}. */
    public String architecture() {
        String base = roberta() ? "Roberta" : "Bert";
        return exact ? base + "ForSequenceClassification" : base + "Model";
    }

    /** Adds {@code architectures} and the {@code sparkcl.transformers} block to config.json. */
    void describe(ObjectNode config, ObjectNode sparkclBlock, Pooling pooling, ClassifierHead head) {
        config.putArray("architectures").add(architecture());
        ObjectNode t = sparkclBlock.putObject("transformers");
        t.put("class", exact ? architecture() : (String) null);
        t.put("scaled_head", exact);
        if (exact) {
            int exponent = Math.getExponent(SCALE);
            t.put("note", "The " + (roberta() ? "classifier.dense" : "pooler") + " layer is 2^" + exponent
                    + "·I (its tanh works in the linear range) and the classifier is scaled by 2^" + -exponent
                    + ", so that " + architecture() + " computes SparkCL's linear head on the [CLS] feature.");
        } else if (head == ClassifierHead.DUALCL) {
            t.put("note", "DualCL: transformers has no class for this head. Load the encoder as " + architecture()
                    + ", feed '[CLS] label_1 ... label_K [SEP] text [SEP]' (label texts of labels.json), "
                    + "theta_k = mean of last_hidden_state over label k's tokens, z = " + poolingRecipe(pooling)
                    + ", logits_k = z·theta_k, softmax.");
        } else {
            t.put("note", "Mean pooling: transformers has no class for this head. Load the encoder as "
                    + architecture() + ", z = " + poolingRecipe(pooling) + ", logits = z·classifier.weight^T + "
                    + "classifier.bias (tensors in model.safetensors), softmax.");
        }
    }

    private static String poolingRecipe(Pooling pooling) {
        return pooling == Pooling.CLS ? "last_hidden_state[:, 0]"
                : "mean of last_hidden_state over the tokens with attention_mask 1";
    }

    /**
     * The file's tensors: the encoder with the architecture's prefix, and the head in this layout.
     *
     * @param parameters HuggingFace-named tensors without prefix, classifier.weight/bias included
     */
    Map<String, FloatTensor> toFile(Map<String, INDArray> parameters) {
        String prefix = config.architecture() + ".";
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            if (!e.getKey().startsWith("classifier.")) {
                out.put(prefix + e.getKey(), FloatTensor.of(prefix + e.getKey(), e.getValue()));
            }
        }
        INDArray w = parameters.get(W);
        INDArray b = parameters.get(B);
        if (w == null) {
            return out;
        }
        if (!exact) {
            out.put(W, FloatTensor.of(W, w));
            out.put(B, FloatTensor.of(B, b));
            return out;
        }
        String dense = roberta() ? "classifier.dense." : prefix + "pooler.dense.";
        String classifier = roberta() ? "classifier.out_proj." : "classifier.";
        int d = config.hiddenSize();
        float[] identity = new float[d * d];
        for (int i = 0; i < d; i++) {
            identity[i * d + i] = SCALE;
        }
        out.put(dense + "weight", new FloatTensor(dense + "weight", new long[]{d, d}, identity));
        out.put(dense + "bias", new FloatTensor(dense + "bias", new long[]{d}, new float[d]));
        out.put(classifier + "weight", FloatTensor.of(classifier + "weight", w.div(SCALE)));
        out.put(classifier + "bias", FloatTensor.of(classifier + "bias", b));
        return out;
    }

    /**
     * SparkCL's classifier.weight/bias from a saved folder ({@code encoderTensors}: what the checkpoint reader
     * kept; the scaled head is read from the file itself, since the reader drops RoBERTa's head).
     */
    Map<String, INDArray> fromFile(Map<String, INDArray> encoderTensors, Path weightsFile) throws IOException {
        if (!exact) {
            return encoderTensors;
        }
        String classifier = roberta() ? "classifier.out_proj." : "classifier.";
        Map<String, FloatTensor> raw = SafeTensors.read(weightsFile);
        FloatTensor w = raw.get(classifier + "weight");
        FloatTensor b = raw.get(classifier + "bias");
        if (w == null || b == null) {
            throw new ModelLoadException("Missing tensor " + classifier + (w == null ? "weight" : "bias") + " in "
                    + weightsFile + " (config.json says the head is stored scaled, sparkcl.transformers.scaled_head)");
        }
        Map<String, INDArray> out = new LinkedHashMap<>(encoderTensors);
        out.put(W, w.toINDArray().mul(SCALE));
        out.put(B, b.toINDArray());
        return out;
    }
}
