package io.sparkcl.job.train.eval;

import java.io.Serializable;

/** counts[gold][predicted]; mergeable, so each Spark partition builds its own and they are summed. */
public final class ConfusionMatrix implements Serializable {
    private final long[][] counts;

    public ConfusionMatrix(int numClasses) {
        this.counts = new long[numClasses][numClasses];
    }

    public ConfusionMatrix(long[][] counts) {
        this.counts = counts;
    }

    public int numClasses() {
        return counts.length;
    }

    public void add(int gold, int predicted) {
        if (gold < 0 || gold >= counts.length || predicted < 0 || predicted >= counts.length) {
            throw new IllegalArgumentException("label out of range [0," + counts.length + "): gold=" + gold
                    + " predicted=" + predicted);
        }
        counts[gold][predicted]++;
    }

    /** Adds {@code other} into this matrix and returns this (for Spark's aggregate). */
    public ConfusionMatrix merge(ConfusionMatrix other) {
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts.length; j++) {
                counts[i][j] += other.counts[i][j];
            }
        }
        return this;
    }

    public long count(int gold, int predicted) {
        return counts[gold][predicted];
    }

    public long total() {
        long t = 0;
        for (long[] row : counts) {
            for (long c : row) {
                t += c;
            }
        }
        return t;
    }

    public long[][] toArray() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }
}
