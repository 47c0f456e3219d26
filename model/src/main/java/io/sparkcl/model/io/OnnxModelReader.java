package io.sparkcl.model.io;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the graph of an ONNX model (nodes, initializers, Constant values) straight from the protobuf wire
 * format with {@link CodedInputStream}, streaming, without onnxruntime or generated ONNX classes.
 *
 * <p>Field numbers (onnx.proto3): ModelProto.graph = 7; GraphProto.node = 1, initializer = 5;
 * NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5; AttributeProto.name = 1, t = 5;
 * TensorProto.dims = 1, data_type = 2, float_data = 4, int64_data = 7, name = 8, raw_data = 9,
 * double_data = 10, data_location = 14. Tensors stored in external files are not supported.
 */
public final class OnnxModelReader {

    // TensorProto.DataType values
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int BFLOAT16 = 16;

    private final String source;

    private OnnxModelReader(String source) {
        this.source = source;
    }

    /** Parses a whole model; {@code source} names the file in error messages. The stream is not closed. */
    public static OnnxGraph read(InputStream in, String source) throws IOException {
        return new OnnxModelReader(source).readModel(in);
    }

    private OnnxGraph readModel(InputStream stream) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(stream, 1 << 16);
        in.setSizeLimit(Integer.MAX_VALUE);
        in.setRecursionLimit(200);
        List<OnnxGraph.Node> nodes = new ArrayList<>();
        Map<String, FloatTensor> floats = new LinkedHashMap<>();
        List<String> others = new ArrayList<>();
        Map<String, double[]> constants = new LinkedHashMap<>();
        boolean sawGraph = false;
        try {
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                if (WireFormat.getTagFieldNumber(tag) == 7 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int old = in.pushLimit(in.readRawVarint32());
                    readGraph(in, nodes, floats, others, constants);
                    in.popLimit(old);
                    sawGraph = true;
                } else {
                    in.skipField(tag);
                }
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IOException("Malformed ONNX file " + source + ": " + e.getMessage(), e);
        }
        if (!sawGraph) {
            throw new IOException("ONNX file " + source + " has no graph (is it an ONNX model?)");
        }
        return new OnnxGraph(nodes, floats, others, constants);
    }

    private void readGraph(CodedInputStream in, List<OnnxGraph.Node> nodes, Map<String, FloatTensor> floats,
                           List<String> others, Map<String, double[]> constants) throws IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1) {
                int old = in.pushLimit(in.readRawVarint32());
                readNode(in, nodes, constants);
                in.popLimit(old);
            } else if (field == 5) {
                int old = in.pushLimit(in.readRawVarint32());
                RawTensor t = readTensor(in);
                in.popLimit(old);
                if (t.isFloatingPoint()) {
                    floats.put(t.name, t.toFloatTensor(t.name, source));
                } else {
                    others.add(t.name);
                }
            } else {
                in.skipField(tag);
            }
        }
    }

    private void readNode(CodedInputStream in, List<OnnxGraph.Node> nodes, Map<String, double[]> constants)
            throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String op = "";
        RawTensor value = null;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(in.readStringRequireUtf8());
                case 2 -> outputs.add(in.readStringRequireUtf8());
                case 3 -> name = in.readStringRequireUtf8();
                case 4 -> op = in.readStringRequireUtf8();
                case 5 -> {
                    int old = in.pushLimit(in.readRawVarint32());
                    RawTensor t = readAttributeTensor(in);
                    in.popLimit(old);
                    if (t != null) {
                        value = t;
                    }
                }
                default -> in.skipField(tag);
            }
        }
        nodes.add(new OnnxGraph.Node(name, op, List.copyOf(inputs), List.copyOf(outputs)));
        if (op.equals("Constant") && value != null && outputs.size() == 1 && value.elementCount() <= 64) {
            constants.put(outputs.get(0), value.toDoubles(name, source));
        }
    }

    /** The tensor of an AttributeProto named "value" (Constant nodes), else null. */
    private RawTensor readAttributeTensor(CodedInputStream in) throws IOException {
        String name = "";
        RawTensor t = null;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1) {
                name = in.readStringRequireUtf8();
            } else if (field == 5) {
                int old = in.pushLimit(in.readRawVarint32());
                t = readTensor(in);
                in.popLimit(old);
            } else {
                in.skipField(tag);
            }
        }
        return "value".equals(name) ? t : null;
    }

    private RawTensor readTensor(CodedInputStream in) throws IOException {
        RawTensor t = new RawTensor();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return t;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> {
                    if (packed) {
                        int old = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            t.dims.add(in.readInt64());
                        }
                        in.popLimit(old);
                    } else {
                        t.dims.add(in.readInt64());
                    }
                }
                case 2 -> t.dataType = in.readInt32();
                case 4 -> {
                    if (packed) {
                        int len = in.readRawVarint32();
                        ByteBuffer b = ByteBuffer.wrap(in.readRawBytes(len)).order(ByteOrder.LITTLE_ENDIAN);
                        while (b.remaining() >= 4) {
                            t.floatData.add(b.getFloat());
                        }
                    } else {
                        t.floatData.add(in.readFloat());
                    }
                }
                case 7 -> {
                    if (packed) {
                        int old = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            t.int64Data.add(in.readInt64());
                        }
                        in.popLimit(old);
                    } else {
                        t.int64Data.add(in.readInt64());
                    }
                }
                case 8 -> t.name = in.readStringRequireUtf8();
                case 9 -> t.raw = in.readByteArray();
                case 14 -> t.external = in.readEnum() == 1;
                default -> in.skipField(tag);
            }
        }
    }

    /** A TensorProto as read, before conversion. */
    private static final class RawTensor {
        String name = "";
        int dataType;
        final List<Long> dims = new ArrayList<>();
        final List<Float> floatData = new ArrayList<>();
        final List<Long> int64Data = new ArrayList<>();
        byte[] raw;
        boolean external;

        boolean isFloatingPoint() {
            return dataType == FLOAT || dataType == FLOAT16 || dataType == DOUBLE || dataType == BFLOAT16;
        }

        long[] shape() {
            long[] s = new long[dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = dims.get(i);
            }
            return s;
        }

        long elementCount() {
            return FloatTensor.elementCount(shape());
        }

        FloatTensor toFloatTensor(String tensorName, String source) throws IOException {
            if (external) {
                throw new IOException("Tensor " + tensorName + " in " + source
                        + " is stored in an external data file, which is not supported");
            }
            long n = elementCount();
            if (n > Integer.MAX_VALUE) {
                throw new IOException("Tensor " + tensorName + " in " + source + " is too large: " + n + " values");
            }
            float[] out = new float[(int) n];
            if (raw != null) {
                int width = switch (dataType) {
                    case FLOAT -> 4;
                    case DOUBLE -> 8;
                    default -> 2;
                };
                if ((long) raw.length != n * width) {
                    throw new IOException("Tensor " + tensorName + " in " + source + ": raw_data has " + raw.length
                            + " bytes, expected " + (n * width) + " for shape " + java.util.Arrays.toString(shape()));
                }
                ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = switch (dataType) {
                        case FLOAT -> b.getFloat();
                        case DOUBLE -> (float) b.getDouble();
                        case FLOAT16 -> HalfFloats.fromHalf(b.getShort());
                        default -> HalfFloats.fromBFloat16(b.getShort());
                    };
                }
            } else if (dataType == FLOAT && floatData.size() == n) {
                for (int i = 0; i < n; i++) {
                    out[i] = floatData.get(i);
                }
            } else {
                throw new IOException("Tensor " + tensorName + " in " + source + " (data type " + dataType
                        + ") has no readable data for shape " + java.util.Arrays.toString(shape()));
            }
            return new FloatTensor(tensorName, shape(), out);
        }

        double[] toDoubles(String nodeName, String source) throws IOException {
            if (isFloatingPoint()) {
                float[] f = toFloatTensor(nodeName, source).data();
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                return d;
            }
            if (dataType == INT64 || dataType == INT32) {
                if (raw != null) {
                    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                    int width = dataType == INT64 ? 8 : 4;
                    double[] d = new double[raw.length / width];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = width == 8 ? b.getLong() : b.getInt();
                    }
                    return d;
                }
                return int64Data.stream().mapToDouble(Long::doubleValue).toArray();
            }
            return new double[0];
        }
    }
}
