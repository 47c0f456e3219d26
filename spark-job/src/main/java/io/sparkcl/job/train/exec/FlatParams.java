package io.sparkcl.job.train.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A snapshot of flat float parameters as little-endian bytes: what the parameter broadcast carries. Java
 * serialisation (Spark's torrent broadcast pieces) writes a {@code byte[]} in bulk but a {@code float[]} float by
 * float, and an executor copies the bytes straight into its encoder's native buffer ({@link #copyInto}), with no
 * {@code float[]} in between on either side.
 */
public final class FlatParams implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] littleEndian;

    private FlatParams(byte[] littleEndian) {
        this.littleEndian = littleEndian;
    }

    /** A copy of the values of a flat array (as floats: another type or a view is converted first). */
    public static FlatParams of(INDArray flat) {
        INDArray whole = HostFloats.isWholeFloat(flat) ? flat : flat.castTo(DataType.FLOAT).dup('c');
        byte[] bytes = allocate(whole.length());
        floats(bytes).put(HostFloats.read(whole));
        Reference.reachabilityFence(whole);
        return new FlatParams(bytes);
    }

    /** A copy of {@code values}. */
    public static FlatParams of(float[] values) {
        byte[] bytes = allocate(values.length);
        floats(bytes).put(values);
        return new FlatParams(bytes);
    }

    private static byte[] allocate(long values) {
        if (values > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(values + " parameters do not fit one broadcast array (at most "
                    + Integer.MAX_VALUE / 4 + ")");
        }
        return new byte[(int) values * 4];
    }

    private static FloatBuffer floats(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public int length() {
        return littleEndian.length / 4;
    }

    /** Overwrites every value of {@code target} (a flat FLOAT array of the same length) with these. */
    public void copyInto(INDArray target) {
        if (target.length() != length()) {
            throw new IllegalArgumentException("the model has " + target.length() + " parameters, the broadcast "
                    + length());
        }
        FloatBuffer out = HostFloats.writable(target);
        out.put(floats(littleEndian));
        HostFloats.flush(target, out);
        Reference.reachabilityFence(target);
    }

    /** The values as a new array. */
    public float[] toFloats() {
        float[] out = new float[length()];
        floats(littleEndian).get(out);
        return out;
    }
}
