package io.sparkcl.job.train.data;

/**
 * Per-row dropout seeds: a pure function of (run seed, global step, global row index), so the second
 * pass of a step (and a retried Spark task, and the single-JVM reference loop) replays exactly the same
 * dropout masks whatever partition or micro-batch the row lands in.
 */
public final class DropoutSeeds {
    private DropoutSeeds() {
    }

    public static long forRow(long seed, long step, long rowIndex) {
        return mix(mix(mix(seed) ^ (step * 0x9E3779B97F4A7C15L)) ^ rowIndex);
    }

    /** SplitMix64 finaliser: a bijective 64-bit hash with good avalanche. */
    public static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
