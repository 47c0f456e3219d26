package io.sparkcl.job.train.exec;

import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.Serializable;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.Consumer;

/**
 * A snapshot of flat float parameters as little-endian bytes: what the parameter broadcast carries. Java
 * serialisation (Spark's torrent broadcast pieces) writes a {@code byte[]} in bulk but a {@code float[]} float by
 * float, and an executor copies the bytes straight into its encoder's native buffer ({@link #copyInto}), with no
 * {@code float[]} in between on either side.
 *
 * <p>The training step's parameters, new every step, take the {@linkplain #stored stored} form: the bytes stay in
 * the driver's block manager ({@link BroadcastBlocks}) and the broadcast carries only where they are, so Spark
 * does not serialise, checksum and register them in pieces; an executor reads them in place (local master) or
 * fetches them once per version.
 */
public final class FlatParams implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final String FIELD = "sparkclparams";

    /** The values (inline form), or null. */
    private final byte[] littleEndian;
    /** Where the driver keeps the values (stored form), or null. (Named to sort before the values: Java
     * serialisation writes object fields by name, so the inline form's wire still ends with the floats.) */
    private final BroadcastBlocks.Stored block;

    private FlatParams(byte[] littleEndian, BroadcastBlocks.Stored stored) {
        this.littleEndian = littleEndian;
        this.block = stored;
    }

    private FlatParams(byte[] littleEndian) {
        this(littleEndian, null);
    }

    /**
     * Driver side: the values of {@code flat} written into {@code buffer} (a heap buffer of at least 4 bytes per value,
     * reused by the caller once no job reads these values any more) and kept in the driver's block manager under
     * {@code anchor} (destroying it removes them); inline ({@link #of(INDArray)}) when the block manager cannot keep
     * them or {@code flat} is not a whole flat FLOAT array.
     */
    public static FlatParams stored(INDArray flat, Broadcast<?> anchor, ByteBuffer buffer) {
        long bytes = 4 * flat.length();
        if (bytes > buffer.capacity() || !HostFloats.isWholeFloat(flat)) {
            return of(flat);
        }
        ByteBuffer values = buffer.clear().limit((int) bytes);
        write(flat, values);
        BroadcastBlocks.Stored s = BroadcastBlocks.put(anchor, FIELD, values);
        return s != null ? new FlatParams(null, s) : of(flat);
    }

    /**
     * Driver side: writes the values of {@code flat} in place into {@code buffer}, the buffer this stored form's block
     * holds ({@link #stored} was given it), when that block is still in the driver's block manager; false (nothing
     * written) for the inline form, a block that is gone, or values that do not fit. Only when no job reads these
     * values any more.
     */
    boolean rewrite(INDArray flat, ByteBuffer buffer) {
        long bytes = 4 * flat.length();
        if (block == null || bytes != block.bytes() || !HostFloats.isWholeFloat(flat)
                || !BroadcastBlocks.isInThisJvm(block)) {
            return false;
        }
        write(flat, buffer.duplicate().clear().limit((int) bytes));
        return true;
    }

    /** Writes the values of a whole flat FLOAT array into {@code values} (as many bytes as it has left), little-endian. */
    private static void write(INDArray flat, ByteBuffer values) {
        floats(values.duplicate()).put(HostFloats.read(flat));
        Reference.reachabilityFence(flat); // the view does not keep the array alive
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

    private static FloatBuffer floats(ByteBuffer bytes) {
        return bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static FloatBuffer floats(byte[] bytes) {
        return floats(ByteBuffer.wrap(bytes));
    }

    /** Runs {@code reader} on the values (in place; a stored form's block stays locked meanwhile). */
    private void read(Consumer<FloatBuffer> reader) {
        if (block == null) {
            reader.accept(floats(littleEndian));
        } else {
            BroadcastBlocks.read(block, bytes -> reader.accept(floats(bytes)));
        }
    }

    public int length() {
        return (block == null ? littleEndian.length : block.bytes()) / 4;
    }

    /** Overwrites every value of {@code target} (a flat FLOAT array of the same length) with these. */
    public void copyInto(INDArray target) {
        if (target.length() != length()) {
            throw new IllegalArgumentException("the model has " + target.length() + " parameters, the broadcast "
                    + length());
        }
        FloatBuffer out = HostFloats.writable(target);
        read(out::put);
        HostFloats.flush(target, out);
        Reference.reachabilityFence(target);
    }

    /** The values as a new array. */
    public float[] toFloats() {
        float[] out = new float[length()];
        read(values -> values.get(out));
        return out;
    }
}
