package io.sparkcl.job.shared;

import io.sparkcl.job.train.data.TrainingRow;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokenised rows as the fixed-width float matrix a DL4J {@link DataSet} carries (DL4J minibatches are
 * rectangular arrays), and back. One row of the matrix:
 *
 * <pre>
 *   [ index, length, ids[T], mask[T], types[T], labelPositions[K][P] ]   (unused slots: ids 0, positions -1)
 * </pre>
 *
 * T is the longest row the job allows, P the most token positions a label name may have (DualCL only; 0
 * otherwise). Every value is an int below 2^24, so float holds it exactly. The DataSet's labels are one-hot.
 */
public record RowFeatures(int maxLength, int numLabels, int positionsPerLabel) implements Serializable {
    /** Floats represent every integer up to 2^24 exactly. */
    static final long MAX_EXACT = 1L << 24;

    /** @param positionsPerLabel most token positions of one label name (DualCL), 0 when rows carry none */
    public RowFeatures {
        if (maxLength <= 0 || numLabels <= 0 || positionsPerLabel < 0) {
            throw new IllegalArgumentException("RowFeatures: maxLength and numLabels must be > 0 and positionsPerLabel"
                    + " >= 0, got " + maxLength + ", " + numLabels + ", " + positionsPerLabel);
        }
    }

    /** The layout that fits every given row (longest row, most positions of a label name). */
    public static RowFeatures fitting(List<TrainingRow> rows, int numLabels) {
        int len = 1;
        int positions = 0;
        for (TrainingRow r : rows) {
            len = Math.max(len, r.length());
            positions = Math.max(positions, maxPositions(r));
        }
        return new RowFeatures(len, numLabels, positions);
    }

    /** The most token positions any label name has in the row (0 without label positions). */
    static int maxPositions(TrainingRow r) {
        int m = 0;
        if (r.labelPositions() != null) {
            for (int[] p : r.labelPositions()) {
                m = Math.max(m, p.length);
            }
        }
        return m;
    }

    public int width() {
        return 2 + 3 * maxLength + numLabels * positionsPerLabel;
    }

    /** A minibatch: features [n, width] and one-hot labels [n, K]. */
    public DataSet toDataSet(List<TrainingRow> rows) {
        float[][] features = new float[rows.size()][];
        float[][] labels = new float[rows.size()][numLabels];
        for (int i = 0; i < rows.size(); i++) {
            TrainingRow r = rows.get(i);
            features[i] = encode(r);
            if (r.label() < 0 || r.label() >= numLabels) {
                throw new IllegalArgumentException("row " + r.index() + " (id " + r.id() + ") has label " + r.label()
                        + ", expected 0.." + (numLabels - 1));
            }
            labels[i][r.label()] = 1f;
        }
        return new DataSet(Nd4j.createFromArray(features), Nd4j.createFromArray(labels));
    }

    private float[] encode(TrainingRow r) {
        String where = "row " + r.index() + " (id " + r.id() + ")";
        if (r.length() > maxLength) {
            throw new IllegalArgumentException(where + " has " + r.length() + " tokens, more than " + maxLength);
        }
        if (r.index() < 0 || r.index() >= MAX_EXACT) {
            throw new IllegalArgumentException(where + ": row index out of the range [0, 2^24) shared mode supports");
        }
        float[] f = new float[width()];
        f[0] = r.index();
        f[1] = r.length();
        for (int t = 0; t < r.length(); t++) {
            f[2 + t] = exact(r.inputIds()[t], where);
            f[2 + maxLength + t] = r.attentionMask()[t];
            f[2 + 2 * maxLength + t] = r.tokenTypeIds()[t];
        }
        int base = 2 + 3 * maxLength;
        Arrays.fill(f, base, f.length, -1f);
        if (positionsPerLabel > 0) {
            if (r.labelPositions() == null || r.labelPositions().length != numLabels) {
                throw new IllegalArgumentException(where + " needs the token positions of its " + numLabels
                        + " label names (DualCL) but has " + (r.labelPositions() == null ? "none"
                        : r.labelPositions().length));
            }
            for (int k = 0; k < numLabels; k++) {
                int[] p = r.labelPositions()[k];
                if (p.length > positionsPerLabel) {
                    throw new IllegalArgumentException(where + ": label " + k + " has " + p.length
                            + " token positions, more than " + positionsPerLabel);
                }
                for (int j = 0; j < p.length; j++) {
                    f[base + k * positionsPerLabel + j] = p[j];
                }
            }
        }
        return f;
    }

    private static float exact(int v, String where) {
        if (v < 0 || v >= MAX_EXACT) {
            throw new IllegalArgumentException(where + ": token id " + v + " out of the range [0, 2^24)");
        }
        return v;
    }

    /** The rows of a features matrix; labels are taken from the one-hot {@code labels} (null: -1). */
    public List<TrainingRow> toRows(INDArray features, INDArray labels) {
        if (features.rank() != 2 || features.size(1) != width()) {
            throw new IllegalArgumentException("features must be [n, " + width() + "], got "
                    + Arrays.toString(features.shape()));
        }
        float[][] f = features.castTo(DataType.FLOAT).toFloatMatrix();
        int[] y = labels == null ? null : labels.argMax(1).toIntVector();
        List<TrainingRow> rows = new ArrayList<>(f.length);
        for (int i = 0; i < f.length; i++) {
            rows.add(decode(f[i], y == null ? -1 : y[i]));
        }
        return rows;
    }

    private TrainingRow decode(float[] f, int label) {
        long index = (long) f[0];
        int len = (int) f[1];
        int[] ids = new int[len];
        int[] mask = new int[len];
        int[] types = new int[len];
        for (int t = 0; t < len; t++) {
            ids[t] = (int) f[2 + t];
            mask[t] = (int) f[2 + maxLength + t];
            types[t] = (int) f[2 + 2 * maxLength + t];
        }
        int[][] labelPositions = null;
        if (positionsPerLabel > 0) {
            int base = 2 + 3 * maxLength;
            labelPositions = new int[numLabels][];
            for (int k = 0; k < numLabels; k++) {
                int n = 0;
                while (n < positionsPerLabel && f[base + k * positionsPerLabel + n] >= 0) {
                    n++;
                }
                labelPositions[k] = new int[n];
                for (int j = 0; j < n; j++) {
                    labelPositions[k][j] = (int) f[base + k * positionsPerLabel + j];
                }
            }
        }
        return new TrainingRow(index, "row-" + index, ids, mask, types, labelPositions, label);
    }
}
