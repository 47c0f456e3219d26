package io.sparkcl.model.io;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named float tensor on the Java heap, row-major: what weight readers produce before the values are
 * copied into an encoder's flat parameter array.
 */
public record FloatTensor(String name, long[] shape, float[] data) {

    public FloatTensor {
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("Tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + data.length + " were given");
        }
    }

    public static long elementCount(long[] shape) {
        long n = 1;
        for (long s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        return n;
    }

    /** The transpose of a 2-D tensor ([in, out] to [out, in]). */
    public FloatTensor transpose2d(String newName) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("Tensor " + name + " is not 2-D: " + Arrays.toString(shape));
        }
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] t = new float[data.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = data[base + c];
            }
        }
        return new FloatTensor(newName, new long[]{cols, rows}, t);
    }

    public FloatTensor rename(String newName) {
        return new FloatTensor(newName, shape, data);
    }

    public INDArray toINDArray() {
        return Nd4j.create(data, shape, 'c');
    }

    /** Copies an array (any float type, any order) into a heap tensor. */
    public static FloatTensor of(String name, INDArray array) {
        INDArray f = array.dataType() == DataType.FLOAT ? array : array.castTo(DataType.FLOAT);
        float[] data = f.dup('c').data().asFloat();
        return new FloatTensor(name, f.shape().clone(), data);
    }

    public static Map<String, INDArray> toINDArrays(Map<String, FloatTensor> tensors) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.toINDArray()));
        return out;
    }

    public static Map<String, FloatTensor> fromINDArrays(Map<String, INDArray> arrays) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> out.put(k, of(k, v)));
        return out;
    }
}
