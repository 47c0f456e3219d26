package io.sparkcl.job.train.data;

import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.EncoderInputs;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.tokenizer.Encoding;

import java.util.ArrayList;
import java.util.List;

/** Cached rows into encoder batches: micro-batch splits, padding (the model's {@link EncoderInputs}), dropout seeds. */
public final class RowBatches {
    private RowBatches() {
    }

    public static <T> List<List<T>> split(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }

    /**
     * Pads {@code rows} to their longest row. Label-token positions go in when the head reads them (DualCL).
     *
     * @param seed run seed; dropout seeds are derived per row from (seed, step, row index)
     * @param step global step, or -1 for no dropout (evaluation / prediction)
     */
    public static EncoderBatch encode(List<TrainingRow> rows, int padId, ClassifierHead head, long seed, long step) {
        List<Encoding> encodings = new ArrayList<>(rows.size());
        long[] seeds = step >= 0 ? new long[rows.size()] : null;
        for (int i = 0; i < rows.size(); i++) {
            TrainingRow r = rows.get(i);
            if (head.labelAwareInput() && r.labelPositions() == null) {
                throw new IllegalArgumentException("DualCL needs label-token positions but row " + r.index()
                        + " (id " + r.id() + ") has none: was it tokenised with the label-aware input?");
            }
            encodings.add(new Encoding(r.inputIds(), r.attentionMask(), r.tokenTypeIds(),
                    head.labelAwareInput() ? r.labelPositions() : null, false));
            if (seeds != null) {
                seeds[i] = DropoutSeeds.forRow(seed, step, r.index());
            }
        }
        return EncoderInputs.pad(encodings, padId, seeds);
    }

    public static int[] labels(List<TrainingRow> rows) {
        int[] out = new int[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i).label();
        }
        return out;
    }
}
