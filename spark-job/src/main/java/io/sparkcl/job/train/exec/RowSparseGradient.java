package io.sparkcl.job.train.exec;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A flat parameter gradient whose one embedding table (the word embeddings: half of a small encoder's
 * parameters) is kept as the rows a batch touched: a shard's gradient is zero on every other row of that
 * table, so sending only the touched rows loses nothing. Everything outside the table is dense.
 * Serialised in bulk (little-endian bytes), not float by float. Mutable on purpose: {@link #add} sums into
 * this object (Spark's treeAggregate lets it).
 */
public final class RowSparseGradient implements Serializable {
    private static final int CHUNK = 1 << 16;

    /** Where the table lives in the flat layout: [tableOffset, tableOffset + tableRows*width). */
    private final long tableOffset;
    private final int tableRows;
    private final int width;
    private final long length;
    /** The gradient outside the table: [0, tableOffset) then [table end, length). */
    private transient float[] dense;
    /** Touched table rows, ascending and unique, and their gradient rows ([rows.length, width], row-major). */
    private transient int[] rows;
    private transient float[] rowValues;

    private RowSparseGradient(long tableOffset, int tableRows, int width, long length, float[] dense, int[] rows,
                              float[] rowValues) {
        this.tableOffset = tableOffset;
        this.tableRows = tableRows;
        this.width = width;
        this.length = length;
        this.dense = dense;
        this.rows = rows;
        this.rowValues = rowValues;
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
        FloatBuffer g = HostFloats.read(flatGrad);
        float[] dense = new float[(int) (length - (tableEnd - tableOffset))];
        g.position(0).get(dense, 0, (int) tableOffset);
        g.position((int) tableEnd).get(dense, (int) tableOffset, (int) (length - tableEnd));
        float[] values = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            g.position((int) (tableOffset + (long) rows[i] * width)).get(values, i * width, width);
        }
        // the view does not keep the array alive: without this the collector may free its native buffer mid-copy
        Reference.reachabilityFence(flatGrad);
        return new RowSparseGradient(tableOffset, tableRows, width, length, dense, rows, values);
    }

    /** Adds {@code o} into this gradient (same layout) and returns this. */
    public RowSparseGradient add(RowSparseGradient o) {
        if (o.length != length || o.tableOffset != tableOffset || o.width != width || o.tableRows != tableRows) {
            throw new IllegalStateException("gradient layouts differ: " + length + " vs " + o.length + " values");
        }
        for (int i = 0; i < dense.length; i++) {
            dense[i] += o.dense[i];
        }
        mergeRows(o);
        return this;
    }

    /** Sorted union of both row sets; rows in both are summed. */
    private void mergeRows(RowSparseGradient o) {
        int[] merged = new int[rows.length + o.rows.length];
        float[] values = new float[merged.length * width];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < rows.length || j < o.rows.length) {
            boolean fromThis = j == o.rows.length || i < rows.length && rows[i] <= o.rows[j];
            boolean fromOther = i == rows.length || j < o.rows.length && o.rows[j] <= rows[i];
            merged[n] = fromThis ? rows[i] : o.rows[j];
            if (fromThis) {
                System.arraycopy(rowValues, i * width, values, n * width, width);
                i++;
            }
            if (fromOther) {
                for (int c = 0; c < width; c++) {
                    values[n * width + c] += o.rowValues[j * width + c];
                }
                j++;
            }
            n++;
        }
        rows = Arrays.copyOf(merged, n);
        rowValues = Arrays.copyOf(values, n * width);
    }

    /** Writes the full dense gradient into {@code flat} (same layout): untouched table rows become zero. */
    public INDArray writeInto(INDArray flat) {
        if (flat.length() != length) {
            throw new IllegalArgumentException("target has " + flat.length() + " values, the gradient " + length);
        }
        FloatBuffer out = HostFloats.writable(flat);
        long tableEnd = tableOffset + (long) tableRows * width;
        out.position(0).put(dense, 0, (int) tableOffset);
        out.position((int) tableEnd).put(dense, (int) tableOffset, (int) (length - tableEnd));
        float[] zeroRow = new float[width];
        int next = 0;
        for (int r = 0; r < tableRows; r++) {
            boolean touched = next < rows.length && rows[next] == r;
            out.position((int) (tableOffset + (long) r * width)).put(touched ? rowValues : zeroRow,
                    touched ? next * width : 0, width);
            next += touched ? 1 : 0;
        }
        HostFloats.flush(flat, out);
        Reference.reachabilityFence(flat);
        return flat;
    }

    /** Number of touched table rows. */
    public int rowCount() {
        return rows.length;
    }

    /** Size of the values sent over the wire (what a dense gradient would send: 4 bytes per parameter). */
    public long payloadBytes() {
        return 4L * (dense.length + rowValues.length + rows.length);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(dense.length);
        out.writeInt(rows.length);
        ByteBuffer buf = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows.length; i += CHUNK) {
            int n = Math.min(CHUNK, rows.length - i);
            buf.clear();
            buf.asIntBuffer().put(rows, i, n);
            out.write(buf.array(), 0, 4 * n);
        }
        writeFloats(out, dense, buf);
        writeFloats(out, rowValues, buf);
    }

    private static void writeFloats(ObjectOutputStream out, float[] a, ByteBuffer buf) throws IOException {
        for (int i = 0; i < a.length; i += CHUNK) {
            int n = Math.min(CHUNK, a.length - i);
            buf.clear();
            buf.asFloatBuffer().put(a, i, n);
            out.write(buf.array(), 0, 4 * n);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        dense = new float[in.readInt()];
        rows = new int[in.readInt()];
        rowValues = new float[rows.length * width];
        byte[] bytes = new byte[4 * CHUNK];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows.length; i += CHUNK) {
            int n = Math.min(CHUNK, rows.length - i);
            in.readFully(bytes, 0, 4 * n);
            IntBuffer ib = buf.position(0).asIntBuffer();
            ib.get(rows, i, n);
        }
        readFloats(in, dense, buf);
        readFloats(in, rowValues, buf);
    }

    private static void readFloats(ObjectInputStream in, float[] a, ByteBuffer buf) throws IOException {
        for (int i = 0; i < a.length; i += CHUNK) {
            int n = Math.min(CHUNK, a.length - i);
            in.readFully(buf.array(), 0, 4 * n);
            buf.position(0).asFloatBuffer().get(a, i, n);
        }
    }
}
