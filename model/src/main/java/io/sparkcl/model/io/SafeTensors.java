package io.sparkcl.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkcl.model.encoder.ModelLoadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header
 * ({@code name -> {dtype, shape, data_offsets:[begin,end]}}, optional {@code __metadata__} of strings), then
 * the raw little-endian tensor bytes. Reads F32, F16, BF16 and F64 tensors as float; tensors of other types
 * (integer buffers such as {@code position_ids}) are skipped. Writes F32 (or F16/BF16).
 */
public final class SafeTensors {

    private static final Logger LOG = LoggerFactory.getLogger(SafeTensors.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";
    /** Larger headers are rejected as corrupt (the reference implementation uses 100 MB). */
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** All floating-point tensors of the file, in header order. */
    public static Map<String, FloatTensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            Header header = readHeader(ch, size, file);
            long dataStart = 8 + header.length;
            long dataSize = size - dataStart;
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals(METADATA)) {
                    continue;
                }
                FloatTensor t;
                try {
                    t = readTensor(ch, e.getKey(), e.getValue(), dataStart, dataSize, file);
                } catch (IOException ex) {
                    throw new IOException("Cannot read tensor " + e.getKey() + " from " + file + ": " + ex.getMessage(), ex);
                }
                if (t != null) {
                    out.put(t.name(), t);
                }
            }
            return out;
        }
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(ch, ch.size(), file);
            Map<String, String> meta = new LinkedHashMap<>();
            header.json.path(METADATA).fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
            return meta;
        }
    }

    private record Header(long length, JsonNode json) {
    }

    private static Header readHeader(FileChannel ch, long size, Path file) throws IOException {
        if (size < 8) {
            throw new ModelLoadException("Not a safetensors file (" + size + " bytes): " + file);
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLength = lenBuf.flip().getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
            throw new ModelLoadException("Corrupt safetensors header length " + headerLength + " in " + file
                    + " (file size " + size + ")");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
        readFully(ch, headerBuf, 8);
        JsonNode json;
        try {
            json = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelLoadException("Corrupt safetensors header JSON in " + file + ": " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new ModelLoadException("Corrupt safetensors header in " + file + ": not a JSON object");
        }
        return new Header(headerLength, json);
    }

    private static FloatTensor readTensor(FileChannel ch, String name, JsonNode info, long dataStart, long dataSize,
                                          Path file) throws IOException {
        String dtype = info.path("dtype").asText("");
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelLoadException("Tensor " + name + " in " + file + " has a malformed header entry: " + info);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> 0;
        };
        if (width == 0) {
            LOG.debug("Skipping non-float tensor {} ({}) in {}", name, dtype, file);
            return null;
        }
        long n = FloatTensor.elementCount(shape);
        if (begin < 0 || end < begin || end > dataSize || end - begin != n * width) {
            throw new ModelLoadException("Tensor " + name + " in " + file + ": data_offsets [" + begin + ", " + end
                    + "] do not hold " + n + " " + dtype + " values of shape " + Arrays.toString(shape)
                    + " within the " + dataSize + "-byte data section");
        }
        if (n > Integer.MAX_VALUE) {
            throw new ModelLoadException("Tensor " + name + " in " + file + " is too large: " + n + " values");
        }
        float[] data = new float[(int) n];
        // Read in chunks so that the temporary buffer stays small for large embedding matrices.
        int chunkValues = 1 << 20;
        ByteBuffer buf = ByteBuffer.allocate(chunkValues * width).order(ByteOrder.LITTLE_ENDIAN);
        long pos = dataStart + begin;
        int done = 0;
        while (done < n) {
            int count = (int) Math.min(chunkValues, n - done);
            buf.clear().limit(count * width);
            readFully(ch, buf, pos);
            buf.flip();
            for (int i = 0; i < count; i++) {
                data[done + i] = switch (width) {
                    case 4 -> buf.getFloat();
                    case 8 -> (float) buf.getDouble();
                    default -> dtype.equals("F16") ? HalfFloats.fromHalf(buf.getShort())
                            : HalfFloats.fromBFloat16(buf.getShort());
                };
            }
            done += count;
            pos += (long) count * width;
        }
        return new FloatTensor(name, shape, data);
    }

    /** Writes F32 tensors (in map order) and optional metadata. */
    public static void write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, metadata, "F32");
    }

    /** Writes tensors as {@code dtype} (F32, F16 or BF16). */
    public static void write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata, String dtype)
            throws IOException {
        int width = switch (dtype.toUpperCase(Locale.ROOT)) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("safetensors: cannot write dtype " + dtype);
        };
        String kind = dtype.toUpperCase(Locale.ROOT);
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (FloatTensor t : tensors.values()) {
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", kind);
            var shape = entry.putArray("shape");
            for (long s : t.shape()) {
                shape.add(s);
            }
            long bytes = (long) t.data().length * width;
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8; // the data section starts 8-byte aligned
        byte[] headerPadded = Arrays.copyOf(headerBytes, padded);
        Arrays.fill(headerPadded, headerBytes.length, padded, (byte) ' ');
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            writeFully(ch, len.flip());
            writeFully(ch, ByteBuffer.wrap(headerPadded));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (FloatTensor t : tensors.values()) {
                for (float v : t.data()) {
                    if (buf.remaining() < 4) {
                        writeFully(ch, buf.flip());
                        buf.clear();
                    }
                    switch (kind) {
                        case "F32" -> buf.putFloat(v);
                        case "F16" -> buf.putShort(HalfFloats.toHalf(v));
                        default -> buf.putShort(HalfFloats.toBFloat16(v));
                    }
                }
            }
            writeFully(ch, buf.flip());
            ch.force(true);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("Unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }
}
