package io.sparkcl.job.train.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One tokenised example as cached on the executors: compact int arrays, unpadded.
 *
 * @param index          global row index: stable across runs and partitionings (rows are numbered after
 *                       sorting by the dataset's row id), the key of the epoch order and of dropout seeds
 * @param labelPositions DualCL: token positions of each label's name, in the dataset's label order; null otherwise
 * @param label          label id in the dataset's label order (-1 when unlabeled, e.g. prediction input)
 */
public record TrainingRow(long index, String id, int[] inputIds, int[] attentionMask, int[] tokenTypeIds,
                          int[][] labelPositions, int label) implements Serializable {

    public TrainingRow {
        if (inputIds.length != attentionMask.length || inputIds.length != tokenTypeIds.length) {
            throw new IllegalArgumentException("row " + index + " (id " + id + "): input_ids, attention_mask and "
                    + "token_type_ids have different lengths " + inputIds.length + ", " + attentionMask.length
                    + ", " + tokenTypeIds.length);
        }
    }

    public int length() {
        return inputIds.length;
    }

    @Override
    public String toString() {
        return "TrainingRow[" + index + ", id=" + id + ", len=" + inputIds.length + ", label=" + label
                + (labelPositions == null ? "" : ", labelPositions=" + Arrays.deepToString(labelPositions)) + "]";
    }
}
