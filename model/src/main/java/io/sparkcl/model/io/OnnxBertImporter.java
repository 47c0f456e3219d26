package io.sparkcl.model.io;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the initializers of a BERT ONNX export (PyTorch's exporter, as in the langchain4j embedding
 * artifacts) into HuggingFace-named tensors in PyTorch layout, and derives the encoder's sizes.
 *
 * <p>The exporter keeps the names of biases, LayerNorm and embedding tensors but stores every Linear weight
 * pre-transposed ([in, out]) under an anonymous name such as {@code onnx::MatMul_787}. The consuming node's
 * name gives the module ({@code /encoder/layer.0/attention/self/query/MatMul} →
 * {@code encoder.layer.0.attention.self.query.weight}), and the weight is transposed back to [out, in].
 * The number of heads comes from the attention scale constant (√head_size) in layer 0, the LayerNorm
 * epsilon from the embeddings' LayerNorm.
 */
public final class OnnxBertImporter {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxBertImporter.class);
    private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");

    /** The encoder's configuration and its tensors under HuggingFace names and layouts. */
    public record Imported(BertConfig config, Map<String, FloatTensor> tensors) {
    }

    private OnnxBertImporter() {
    }

    /** Reads and maps an ONNX model; {@code source} names the file in errors. */
    public static Imported read(InputStream in, String source) throws IOException {
        return fromGraph(OnnxModelReader.read(in, source), source);
    }

    public static Imported fromGraph(OnnxGraph graph, String source) {
        Map<String, FloatTensor> tensors = mapTensors(graph, source);
        BertConfig config = deriveConfig(graph, tensors, source);
        return new Imported(config, tensors);
    }

    static Map<String, FloatTensor> mapTensors(OnnxGraph graph, String source) {
        Map<String, List<OnnxGraph.Node>> consumers = new HashMap<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (FloatTensor t : graph.initializers().values()) {
            String name = t.name();
            FloatTensor mapped;
            if (isParameterName(name)) {
                mapped = t.rename(stripModelPrefix(name));
            } else {
                mapped = mapAnonymous(t, consumers.getOrDefault(name, List.of()), source);
            }
            if (mapped.name().startsWith("pooler.")) {
                continue; // the pooler is not part of the encoder contract
            }
            FloatTensor previous = out.put(mapped.name(), mapped);
            if (previous != null) {
                throw new ModelLoadException("ONNX initializers " + name + " and another initializer both map to tensor "
                        + mapped.name() + " in " + source);
            }
        }
        return out;
    }

    /** Exported names of named parameters look like {@code encoder.layer.0.output.dense.bias}. */
    private static boolean isParameterName(String name) {
        return !name.contains("::") && !name.startsWith("/") && name.contains(".")
                && (name.endsWith(".weight") || name.endsWith(".bias"));
    }

    static String stripModelPrefix(String name) {
        for (String prefix : List.of("bert.", "roberta.", "model.")) {
            if (name.startsWith(prefix)) {
                return name.substring(prefix.length());
            }
        }
        return name;
    }

    private static FloatTensor mapAnonymous(FloatTensor t, List<OnnxGraph.Node> users, String source) {
        if (users.size() != 1) {
            throw new ModelLoadException("Cannot map ONNX initializer " + t.name() + " " + java.util.Arrays.toString(t.shape())
                    + " in " + source + " to an encoder tensor: it is used by " + users.size() + " nodes "
                    + users.stream().map(OnnxGraph.Node::name).toList());
        }
        OnnxGraph.Node node = users.get(0);
        String nodeName = node.name();
        int slash = nodeName.lastIndexOf('/');
        if (!nodeName.startsWith("/") || slash <= 0) {
            throw new ModelLoadException("Cannot map ONNX initializer " + t.name() + " in " + source
                    + ": its node '" + nodeName + "' does not name a module");
        }
        String module = stripModelPrefix(nodeName.substring(1, slash).replace('/', '.'));
        switch (node.opType()) {
            case "MatMul":
                if (t.shape().length != 2) {
                    throw new ModelLoadException("ONNX initializer " + t.name() + " used by MatMul node " + nodeName
                            + " in " + source + " is not 2-D: " + java.util.Arrays.toString(t.shape()));
                }
                return t.transpose2d(module + ".weight"); // [in, out] -> [out, in]
            case "Add":
                return t.rename(module + ".bias");
            case "Mul":
            case "Gather":
                return t.rename(module + ".weight");
            default:
                throw new ModelLoadException("Cannot map ONNX initializer " + t.name() + " in " + source
                        + ": it is used by a " + node.opType() + " node (" + nodeName + ")");
        }
    }

    static BertConfig deriveConfig(OnnxGraph graph, Map<String, FloatTensor> tensors, String source) {
        FloatTensor word = require(tensors, "embeddings.word_embeddings.weight", source);
        FloatTensor position = require(tensors, "embeddings.position_embeddings.weight", source);
        FloatTensor types = require(tensors, "embeddings.token_type_embeddings.weight", source);
        int vocab = (int) word.shape()[0];
        int hidden = (int) word.shape()[1];
        int layers = 0;
        for (String name : tensors.keySet()) {
            Matcher m = LAYER.matcher(name);
            if (m.find()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            }
        }
        if (layers == 0) {
            throw new ModelLoadException("No encoder.layer.* tensors in " + source);
        }
        int intermediate = (int) require(tensors, "encoder.layer.0.intermediate.dense.weight", source).shape()[0];
        int headSize = headSize(graph, source);
        if (headSize <= 0 || hidden % headSize != 0) {
            throw new ModelLoadException("Cannot derive the number of attention heads of " + source
                    + ": attention scale gives head size " + headSize + " for hidden size " + hidden);
        }
        double eps = layerNormEps(graph);
        BertConfig cfg = new BertConfig("bert", vocab, hidden, layers, hidden / headSize, intermediate,
                (int) position.shape()[0], (int) types.shape()[0], eps, 0.1, 0.1, 0, 0);
        LOG.debug("ONNX {}: {}", source, cfg);
        return cfg;
    }

    /** √head_size is the divisor of the attention scores (node .../attention/self/Div in layer 0). */
    private static int headSize(OnnxGraph graph, String source) {
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().equals("Div") && n.name().matches(".*/layer\\.0/attention/self/Div(_\\d+)?$")) {
                for (String in : n.inputs()) {
                    double[] c = graph.constants().get(in);
                    if (c != null && c.length == 1 && c[0] > 1) {
                        return (int) Math.round(c[0] * c[0]);
                    }
                }
            }
        }
        throw new ModelLoadException("Cannot find the attention scale (layer 0 attention/self/Div with a constant) in "
                + source + " to derive the number of heads");
    }

    /** The constant added to the variance in the embeddings' LayerNorm; 1e-12 (BERT's) if not found. */
    private static double layerNormEps(OnnxGraph graph) {
        OnnxGraph.Node add = graph.node("/embeddings/LayerNorm/Add");
        if (add != null) {
            for (String in : add.inputs()) {
                double[] c = graph.constants().get(in);
                if (c != null && c.length == 1) {
                    // stored as float32: 1e-12 reads back as 9.99999996e-13; round to 3 significant digits
                    return Double.parseDouble(String.format(java.util.Locale.ROOT, "%.3g", c[0]));
                }
            }
        }
        return 1e-12;
    }

    private static FloatTensor require(Map<String, FloatTensor> tensors, String name, String source) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelLoadException("Missing tensor " + name + " in " + source);
        }
        return t;
    }
}
