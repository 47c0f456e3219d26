package io.sparkcl.losses;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Validated integer labels of a batch, with dense class ids {@code 0..numClasses-1} and class sizes.
 * When the number of classes K is known the ids are the labels themselves; otherwise labels are
 * renumbered in order of first appearance (only equality matters to the contrastive losses).
 */
final class ClassLabels {
    final int[] labels;
    final int[] classIds;
    final int numClasses;
    final int[] classSizes;

    private ClassLabels(int[] labels, int[] classIds, int numClasses) {
        this.labels = labels;
        this.classIds = classIds;
        this.numClasses = numClasses;
        this.classSizes = new int[numClasses];
        for (int c : classIds) {
            classSizes[c]++;
        }
    }

    /**
     * @param numClasses K when known (labels must lie in [0,K)), or -1 when unknown
     */
    static ClassLabels of(INDArray labels, long expectedRows, int numClasses) {
        int[] values = read(labels, expectedRows, numClasses);
        if (numClasses > 0) {
            return new ClassLabels(values, values, numClasses);
        }
        Map<Integer, Integer> dense = new HashMap<>();
        int[] ids = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ids[i] = dense.computeIfAbsent(values[i], k -> dense.size());
        }
        return new ClassLabels(values, ids, dense.size());
    }

    static int[] read(INDArray labels, long expectedRows, int numClasses) {
        Checks.notNull(labels, "labels");
        if (!labels.isVector() && !(labels.rank() == 1 && labels.length() == 1)) {
            throw new IllegalArgumentException("labels must be a vector [N], got shape " + Arrays.toString(labels.shape()));
        }
        if (labels.length() != expectedRows) {
            throw new IllegalArgumentException("shape mismatch: labels " + Arrays.toString(labels.shape())
                    + " has " + labels.length() + " entries but the batch has " + expectedRows + " rows");
        }
        double[] raw = labels.dataType().isFPType() || labels.dataType().isIntType()
                ? labels.toDoubleVector() : null;
        if (raw == null) {
            throw new IllegalArgumentException("labels must be numeric, got " + labels.dataType());
        }
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            double v = raw[i];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("labels[" + i + "] = " + v + " is not finite");
            }
            if (v != Math.rint(v)) {
                throw new IllegalArgumentException("labels[" + i + "] = " + v + " is not an integer class id");
            }
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("labels[" + i + "] = " + (long) v + " is not a class id >= 0");
            }
            if (numClasses > 0 && v >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] = " + (long) v + " is outside [0, "
                        + numClasses + ")");
            }
            out[i] = (int) v;
        }
        return out;
    }

    int rows() {
        return classIds.length;
    }

    /** An anchor takes part only if another example of its class is in the batch (P(i) non-empty). */
    boolean hasPositive(int row) {
        return classSizes[classIds[row]] >= 2;
    }

    int anchorsWithPositive() {
        int m = 0;
        for (int i = 0; i < classIds.length; i++) {
            if (hasPositive(i)) {
                m++;
            }
        }
        return m;
    }
}
