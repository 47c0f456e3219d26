package io.sparkcl.model.io;

import java.util.List;
import java.util.Map;

/**
 * What {@link OnnxModelReader} keeps of an ONNX model: the nodes (names, operators, inputs, outputs), the
 * floating-point initializers as heap tensors, and the scalar/vector values of {@code Constant} nodes.
 *
 * @param initializers      floating-point initializers by name (integer initializers such as position ids are
 *                          listed in {@code otherInitializers} only)
 * @param otherInitializers names of non-floating-point initializers
 * @param constants         values of Constant nodes by output name (converted to double)
 */
public record OnnxGraph(List<Node> nodes, Map<String, FloatTensor> initializers, List<String> otherInitializers,
                        Map<String, double[]> constants) {

    /** One graph node. */
    public record Node(String name, String opType, List<String> inputs, List<String> outputs) {
    }

    /** The node with this name, or null. */
    public Node node(String name) {
        for (Node n : nodes) {
            if (name.equals(n.name())) {
                return n;
            }
        }
        return null;
    }
}
