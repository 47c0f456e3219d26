package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.data.DropoutSeeds;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.model.encoder.EncoderBatch;

import java.util.ArrayList;
import java.util.List;

/** Pads a group of rows into an {@link EncoderBatch} (to the group's longest row) and splits lists into micro-batches. */
public final class MicroBatches {
    private MicroBatches() {
    }

    public static <T> List<List<T>> split(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }

    /**
     * @param seed  run seed; dropout seeds are derived per row from (seed, step, row index)
     * @param step  global step, or -1 for no dropout (evaluation / prediction)
     */
    public static EncoderBatch encode(List<TrainingRow> rows, int padId, long seed, long step, boolean withLabels) {
        int n = rows.size();
        int len = 0;
        for (TrainingRow r : rows) {
            len = Math.max(len, r.length());
        }
        int[][] ids = new int[n][len];
        int[][] mask = new int[n][len];
        int[][] types = new int[n][len];
        int[][][] labelPositions = withLabels ? new int[n][][] : null;
        long[] seeds = step >= 0 ? new long[n] : null;
        for (int i = 0; i < n; i++) {
            TrainingRow r = rows.get(i);
            java.util.Arrays.fill(ids[i], padId);
            System.arraycopy(r.inputIds(), 0, ids[i], 0, r.length());
            System.arraycopy(r.attentionMask(), 0, mask[i], 0, r.length());
            System.arraycopy(r.tokenTypeIds(), 0, types[i], 0, r.length());
            if (withLabels) {
                if (r.labelPositions() == null) {
                    throw new IllegalArgumentException("DualCL needs label-token positions but row " + r.index()
                            + " (id " + r.id() + ") has none: was it tokenised with the label-aware input?");
                }
                labelPositions[i] = r.labelPositions();
            }
            if (seeds != null) {
                seeds[i] = DropoutSeeds.forRow(seed, step, r.index());
            }
        }
        return new EncoderBatch(ids, mask, types, labelPositions, seeds);
    }

    public static int[] labels(List<TrainingRow> rows) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).label();
        }
        return out;
    }
}
