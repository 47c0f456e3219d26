package io.sparkcl.model.io;

import com.google.protobuf.CodedOutputStream;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.ModelLoadException;
import io.sparkcl.model.registry.ModelArtifacts;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.ShippedModel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ONNX initializer reader and the mapping of anonymous MatMul weights to HuggingFace names. */
class OnnxImportTest {

    @Test
    void miniLmGraphMapsToEveryEncoderTensorWithTheRightLayout() throws IOException {
        ShippedModel m = ShippedModel.ALL_MINILM_L6_V2;
        OnnxGraph graph;
        ModelArtifacts.Resource r = ModelArtifacts.open(m, m.onnxResource());
        try (InputStream in = r.stream()) {
            graph = OnnxModelReader.read(in, r.location());
        }
        OnnxBertImporter.Imported imported = OnnxBertImporter.fromGraph(graph, r.location());
        assertEquals(BertConfig.miniLmL6(), imported.config(), "sizes, heads and epsilon derived from the graph");
        assertEquals(5 + 16 * 6, imported.tensors().size(), "embeddings (5) + 16 tensors per layer");
        assertEquals(List.of("embeddings.position_ids"), graph.otherInitializers(), "the int64 buffer is not a weight");

        // The query weight of layer 3 is the transpose of the initializer its MatMul node consumes.
        OnnxGraph.Node matmul = graph.node("/encoder/layer.3/attention/self/query/MatMul");
        FloatTensor raw = graph.initializers().get(matmul.inputs().get(1));
        assertTrue(raw.name().startsWith("onnx::MatMul_"), raw.name());
        FloatTensor q = imported.tensors().get("encoder.layer.3.attention.self.query.weight");
        assertArrayEquals(new long[]{384, 384}, q.shape());
        for (int[] ij : new int[][]{{0, 1}, {5, 300}, {383, 17}}) {
            assertEquals(raw.data()[ij[0] * 384 + ij[1]], q.data()[ij[1] * 384 + ij[0]]);
        }
        FloatTensor inter = imported.tensors().get("encoder.layer.5.intermediate.dense.weight");
        FloatTensor out = imported.tensors().get("encoder.layer.5.output.dense.weight");
        assertArrayEquals(new long[]{1536, 384}, inter.shape(), "[out, in]");
        assertArrayEquals(new long[]{384, 1536}, out.shape(), "[out, in]");
        assertArrayEquals(new long[]{30522, 384}, imported.tensors().get("embeddings.word_embeddings.weight").shape());
    }

    @Test
    void syntheticGraphWithPackedAndUnpackedFieldsIsReadExactly() throws IOException {
        float[] w = {1, 2, 3, 4, 5, 6}; // [in=2, out=3]
        byte[] model = new OnnxWriter()
                .node("/encoder/layer.0/output/dense/MatMul", "MatMul", List.of("x", "onnx::MatMul_9"), List.of("y"))
                .node("/encoder/layer.0/output/dense/Add", "Add", List.of("onnx::Add_10", "y"), List.of("z"))
                .rawFloatInitializer("onnx::MatMul_9", new long[]{2, 3}, w, true)
                .rawFloatInitializer("onnx::Add_10", new long[]{3}, new float[]{7, 8, 9}, false)
                .rawFloatInitializer("bert.embeddings.LayerNorm.weight", new long[]{2}, new float[]{0.5f, 1.5f}, true)
                .build();
        OnnxGraph g = OnnxModelReader.read(new ByteArrayInputStream(model), "synthetic.onnx");
        Map<String, FloatTensor> t = OnnxBertImporter.mapTensors(g, "synthetic.onnx");
        FloatTensor dense = t.get("encoder.layer.0.output.dense.weight");
        assertArrayEquals(new long[]{3, 2}, dense.shape());
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, dense.data());
        assertArrayEquals(new float[]{7, 8, 9}, t.get("encoder.layer.0.output.dense.bias").data());
        assertArrayEquals(new float[]{0.5f, 1.5f}, t.get("embeddings.LayerNorm.weight").data(), "prefix stripped");
    }

    @Test
    void unmappableOrMissingTensorsAndBrokenFilesAreNamedInErrors() {
        byte[] unknownOp = new OnnxWriter()
                .node("/encoder/layer.0/weird/Conv", "Conv", List.of("x", "onnx::Conv_3"), List.of("y"))
                .rawFloatInitializer("onnx::Conv_3", new long[]{2}, new float[]{1, 2}, true)
                .build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxBertImporter.read(
                new ByteArrayInputStream(unknownOp), "bad.onnx"));
        assertTrue(e.getMessage().contains("onnx::Conv_3") && e.getMessage().contains("bad.onnx"), e.getMessage());

        byte[] unused = new OnnxWriter()
                .rawFloatInitializer("onnx::MatMul_5", new long[]{2}, new float[]{1, 2}, true).build();
        e = assertThrows(ModelLoadException.class, () -> OnnxBertImporter.read(new ByteArrayInputStream(unused), "u.onnx"));
        assertTrue(e.getMessage().contains("onnx::MatMul_5") && e.getMessage().contains("u.onnx"), e.getMessage());

        byte[] noEmbeddings = new OnnxWriter()
                .rawFloatInitializer("encoder.layer.0.output.dense.bias", new long[]{2}, new float[]{1, 2}, true).build();
        e = assertThrows(ModelLoadException.class, () -> OnnxBertImporter.read(new ByteArrayInputStream(noEmbeddings),
                "n.onnx"));
        assertTrue(e.getMessage().contains("embeddings.word_embeddings.weight") && e.getMessage().contains("n.onnx"),
                e.getMessage());

        byte[] whole = new OnnxWriter().rawFloatInitializer("a.weight", new long[]{4}, new float[]{1, 2, 3, 4}, true)
                .build();
        byte[] cut = Arrays.copyOf(whole, whole.length - 5);
        IOException io = assertThrows(IOException.class, () -> OnnxModelReader.read(new ByteArrayInputStream(cut), "cut.onnx"));
        assertTrue(io.getMessage().contains("cut.onnx"), io.getMessage());
    }

    @Test
    void configMismatchWithTheRegistryIsReported() {
        BertConfig derived = new BertConfig("bert", 30522, 384, 5, 12, 1536, 512, 2, 1e-12, 0.1, 0.1, 0, 0);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> ModelRegistry.verifyDerivedConfig(BertConfig.miniLmL6(), derived, "x.onnx"));
        assertTrue(e.getMessage().contains("num_hidden_layers") && e.getMessage().contains("x.onnx"), e.getMessage());
    }

    /** Writes small ONNX ModelProtos with protobuf's CodedOutputStream (field numbers as in onnx.proto). */
    static final class OnnxWriter {
        private final ByteArrayOutputStream graph = new ByteArrayOutputStream();

        OnnxWriter node(String name, String op, List<String> inputs, List<String> outputs) {
            ByteArrayOutputStream node = new ByteArrayOutputStream();
            write(node, out -> {
                for (String in : inputs) {
                    out.writeString(1, in);
                }
                for (String o : outputs) {
                    out.writeString(2, o);
                }
                out.writeString(3, name);
                out.writeString(4, op);
            });
            write(graph, out -> out.writeByteArray(1, node.toByteArray()));
            return this;
        }

        /** raw_data (packed dims) or float_data (unpacked dims, repeated floats), to cover both encodings. */
        OnnxWriter rawFloatInitializer(String name, long[] dims, float[] values, boolean raw) {
            ByteArrayOutputStream tensor = new ByteArrayOutputStream();
            write(tensor, out -> {
                if (raw) {
                    ByteArrayOutputStream packed = new ByteArrayOutputStream();
                    write(packed, p -> {
                        for (long d : dims) {
                            p.writeInt64NoTag(d);
                        }
                    });
                    out.writeByteArray(1, packed.toByteArray());
                } else {
                    for (long d : dims) {
                        out.writeInt64(1, d);
                    }
                }
                out.writeInt32(2, 1);
                out.writeString(8, name);
                if (raw) {
                    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (float v : values) {
                        b.putFloat(v);
                    }
                    out.writeByteArray(9, b.array());
                } else {
                    for (float v : values) {
                        out.writeFloat(4, v);
                    }
                }
            });
            write(graph, out -> out.writeByteArray(5, tensor.toByteArray()));
            return this;
        }

        byte[] build() {
            ByteArrayOutputStream model = new ByteArrayOutputStream();
            write(model, out -> {
                out.writeInt64(1, 7);
                out.writeString(2, "test");
                out.writeByteArray(7, graph.toByteArray());
            });
            return model.toByteArray();
        }

        interface Body {
            void accept(CodedOutputStream out) throws IOException;
        }

        private static void write(ByteArrayOutputStream target, Body body) {
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(target);
                body.accept(out);
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
