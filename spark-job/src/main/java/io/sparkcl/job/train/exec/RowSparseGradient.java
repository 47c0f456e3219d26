package io.sparkcl.job.train.exec;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.BitSet;

/**
 * A flat parameter gradient whose one embedding table (the word embeddings: half of a small encoder's
 * parameters) is kept as the rows a batch touched: a shard's gradient is zero on every other row of that
 * table, so sending only the touched rows loses nothing. Everything outside the table is dense.
 *
 * <p>It lives in one little-endian buffer, what the executor stores and the driver reads ({@link BroadcastBlocks}):
 * a header (table offset, rows, width, flat length, dense length, touched rows: 32 bytes), the touched row ids
 * (ascending), the values outside the table ([0, table start) then [table end, length)), the touched rows' values
 * (row-major). Packing is one copy out of the encoder's gradient (into a heap buffer); the driver adds the buffers straight into its
 * dense gradient ({@link #addInto}).
 */
public final class RowSparseGradient implements Serializable {
    private static final int HEADER = 32;
    /** Floats added per bulk copy in {@link #addInto}. */
    private static final int CHUNK = 1 << 14;

    /** The whole encoding (position 0, limit its size). */
    private final transient ByteBuffer encoded;
    private final transient long tableOffset;
    private final transient int tableRows;
    private final transient int width;
    private final transient long length;
    private final transient int denseLength;
    private final transient int rowCount;

    private RowSparseGradient(ByteBuffer encoded) {
        ByteBuffer b = encoded.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.tableOffset = b.getLong();
        this.tableRows = b.getInt();
        this.width = b.getInt();
        this.length = b.getLong();
        this.denseLength = b.getInt();
        this.rowCount = b.getInt();
        if (tableOffset < 0 || width <= 0 || rowCount < 0 || denseLength < 0
                || (long) denseLength + (long) tableRows * width != length
                || b.remaining() < 4L * (rowCount + denseLength + (long) rowCount * width)) {
            throw new IllegalArgumentException("not a row-sparse gradient: header " + tableOffset + "/" + tableRows
                    + "/" + width + "/" + length + "/" + denseLength + "/" + rowCount + " over " + encoded.remaining()
                    + " bytes");
        }
        int size = HEADER + 4 * (rowCount + denseLength + rowCount * width);
        this.encoded = encoded.slice().limit(size);
    }

    /**
     * Packs a dense flat gradient, keeping of the table only the {@code touched} rows: the caller guarantees every
     * other table row is zero (the encoder adds to exactly the rows of the token ids it was given).
     */
    public static RowSparseGradient of(INDArray flatGrad, long tableOffset, int tableRows, int width, BitSet touched) {
        long length = flatGrad.length();
        long tableEnd = tableOffset + (long) tableRows * width;
        if (tableOffset < 0 || tableEnd > length || length - (tableEnd - tableOffset) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("table [" + tableOffset + "," + tableEnd + ") does not fit a gradient of "
                    + length + " values");
        }
        if (touched.length() > tableRows) {
            throw new IllegalArgumentException("row " + (touched.length() - 1) + " outside the table's " + tableRows
                    + " rows");
        }
        int[] rows = touched.stream().toArray();
        int denseLength = (int) (length - (tableEnd - tableOffset));
        long size = HEADER + 4L * (rows.length + denseLength + (long) rows.length * width);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a gradient of " + size + " bytes does not fit one buffer");
        }
        // on the heap: a fresh direct buffer costs a page fault per 4 KB on first touch (≈ 50 ms for MiniLM's 45 MB
        // here against ≈ 15 ms), and the block manager keeps a heap buffer as it is too
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(tableOffset).putInt(tableRows).putInt(width).putLong(length).putInt(denseLength)
                .putInt(rows.length);
        out.asIntBuffer().put(rows);
        FloatBuffer values = out.position(HEADER + 4 * rows.length).asFloatBuffer();
        FloatBuffer g = HostFloats.read(flatGrad);
        values.put(g.limit((int) tableOffset));
        values.put(g.limit((int) length).position((int) tableEnd));
        for (int r : rows) {
            int from = (int) (tableOffset + (long) r * width);
            values.put(g.limit(from + width).position(from));
        }
        // the view does not keep the array alive: without this the collector may free its native buffer mid-copy
        Reference.reachabilityFence(flatGrad);
        return new RowSparseGradient(out.clear());
    }

    /** A gradient over {@code encoded} (from its position: what {@link #bytes} gave), without copying it. */
    public static RowSparseGradient fromBytes(ByteBuffer encoded) {
        return new RowSparseGradient(encoded);
    }

    /** The encoded gradient, header included (a view of its bytes: position 0, limit its size). */
    public ByteBuffer bytes() {
        return encoded.duplicate();
    }

    /** The encoding's own buffer, to hand over to the block manager (which then owns it). */
    ByteBuffer buffer() {
        return encoded;
    }

    /** Writes the full dense gradient into {@code flat} (same layout): untouched table rows become zero. */
    public INDArray writeInto(INDArray flat) {
        return addInto(flat, true);
    }

    /**
     * Adds this gradient into {@code flat} (same layout), or overwrites it ({@code overwrite}: untouched table rows
     * become zero). Summing the shards of a step in a fixed order gives the same floats whatever runs them.
     */
    public INDArray addInto(INDArray flat, boolean overwrite) {
        if (flat.length() != length) {
            throw new IllegalArgumentException("target has " + flat.length() + " values, the gradient " + length);
        }
        FloatBuffer out = overwrite ? HostFloats.writable(flat) : HostFloats.updatable(flat);
        ByteBuffer b = encoded.duplicate().position(HEADER).slice().order(ByteOrder.LITTLE_ENDIAN);
        IntBuffer rows = b.asIntBuffer().limit(rowCount);
        FloatBuffer values = b.position(4 * rowCount).asFloatBuffer();
        long tableEnd = tableOffset + (long) tableRows * width;
        combine(values, out.limit((int) tableOffset), overwrite);
        combine(values, out.limit((int) length).position((int) tableEnd), overwrite);
        if (overwrite) {
            out.clear();
            float[] zeroRow = new float[width];
            for (int r = 0; r < tableRows; r++) {
                out.position((int) (tableOffset + (long) r * width)).put(zeroRow);
            }
        }
        while (rows.hasRemaining()) {
            int from = (int) (tableOffset + (long) rows.get() * width);
            combine(values, out.limit(from + width).position(from), overwrite);
        }
        HostFloats.flush(flat, out.clear());
        Reference.reachabilityFence(flat);
        return flat;
    }

    /** Puts or adds the next {@code out.remaining()} values of {@code in} into {@code out}, in bulk chunks. */
    private static void combine(FloatBuffer in, FloatBuffer out, boolean overwrite) {
        if (overwrite) {
            int n = out.remaining();
            out.put(in.slice().limit(n));
            in.position(in.position() + n);
            return;
        }
        float[] a = new float[Math.min(CHUNK, out.remaining())];
        float[] b = new float[a.length];
        while (out.hasRemaining()) {
            int n = Math.min(a.length, out.remaining());
            int at = out.position();
            in.get(a, 0, n);
            out.get(b, 0, n);
            for (int i = 0; i < n; i++) {
                b[i] += a[i];
            }
            out.position(at).put(b, 0, n);
        }
    }

    /** Number of touched table rows. */
    public int rowCount() {
        return rowCount;
    }

    /** Size of the values sent over the wire (what a dense gradient would send: 4 bytes per parameter). */
    public long payloadBytes() {
        return 4L * (denseLength + (long) rowCount * width + rowCount);
    }

    /** Java serialisation (a result Spark carries): the encoded bytes, in bulk. */
    private Object writeReplace() {
        byte[] copy = new byte[encoded.limit()];
        bytes().get(copy);
        return new Wire(copy);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("a RowSparseGradient is serialised as its bytes");
    }

    /** The serialised form: one byte array. */
    private record Wire(byte[] encoded) implements Serializable {
        private Object readResolve() {
            return fromBytes(ByteBuffer.wrap(encoded));
        }
    }
}
