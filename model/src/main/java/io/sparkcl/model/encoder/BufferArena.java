package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashMap;
import java.util.Map;

/**
 * Named, reusable native buffers: {@code get(name, shape)} returns a contiguous c-order view of the first
 * prod(shape) elements of the buffer of that name, growing it only when a larger shape is asked for. Activations
 * of one step therefore reuse the previous step's memory (no growth over steps).
 */
final class BufferArena {
    private final DataType dataType;
    private final Map<String, INDArray> buffers = new HashMap<>();

    BufferArena(DataType dataType) {
        this.dataType = dataType;
    }

    INDArray get(String name, long... shape) {
        long len = 1;
        for (long s : shape) {
            len *= s;
        }
        INDArray buf = buffers.get(name);
        if (buf == null || buf.length() < len) {
            buf = Nd4j.create(dataType, len);
            buffers.put(name, buf);
        }
        INDArray v = buf.length() == len ? buf : buf.get(NDArrayIndex.interval(0, len));
        return v.reshape('c', shape);
    }

    /** Total bytes held. */
    long bytes() {
        long b = 0;
        for (INDArray a : buffers.values()) {
            b += a.length() * a.dataType().width();
        }
        return b;
    }
}
