package io.sparkcl.job.train.exec;

import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.JavaRDD;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of a step's batch on the driver, so that every task of the step can take an equal slice of the batch
 * whatever partition the rows live in. (Where they fall, two partitions split a 32-row batch 18/14 on average, and a
 * pass waits for its largest shard.) The rows are a few kilobytes: pass 2 of a step brings the next step's rows back
 * with its results ({@link #prefetched}); the first step of an epoch, or a step whose rows did not all come back,
 * fetches them with a small job.
 */
final class BatchRows {
    private final JavaRDD<TrainingRow> rows;
    private final Map<Long, TrainingRow> ahead = new HashMap<>();
    private long fetches;

    BatchRows(JavaRDD<TrainingRow> rows) {
        this.rows = rows;
    }

    /** The batch's rows in batch order. */
    TrainingRow[] of(long step, long[] batchIndices) {
        Set<Long> seen = new HashSet<>();
        Set<Long> missing = new HashSet<>();
        for (long i : batchIndices) {
            if (!seen.add(i)) {
                throw new IllegalStateException("row " + i + " appears twice in the batch of step " + step);
            }
            if (!ahead.containsKey(i)) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            fetches++;
            for (TrainingRow r : rows.filter(r -> missing.contains(r.index())).collect()) {
                ahead.put(r.index(), r);
            }
        }
        TrainingRow[] out = new TrainingRow[batchIndices.length];
        for (int p = 0; p < out.length; p++) {
            out[p] = ahead.get(batchIndices[p]);
            if (out[p] == null) {
                throw new IllegalStateException("step " + step + ": row " + batchIndices[p]
                        + " of the batch is not in the training data");
            }
        }
        ahead.clear();
        return out;
    }

    /** Rows of the next step's batch that the tasks found in their partitions. */
    void prefetched(List<TrainingRow> found) {
        for (TrainingRow r : found) {
            ahead.put(r.index(), r);
        }
    }

    /** Steps whose rows needed a job of their own (for tests and logs). */
    long fetches() {
        return fetches;
    }
}
