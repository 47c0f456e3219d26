package io.sparkcl.job.train.ckpt;

import org.apache.hadoop.conf.Configuration;

/**
 * How many full (resumable) checkpoints a run keeps: {@code --save-total-limit N} (HuggingFace's name),
 * default 1. Older versions are a fallback when the newest is damaged; each costs parameters plus AdamW's
 * two moments (three times the model's size). It travels in the job's Hadoop configuration so that every
 * {@link CheckpointStore} of the run sees it without being handed the whole configuration.
 */
public final class CheckpointRetention {
    /** The Hadoop (and {@code spark.hadoop.}-prefixed Spark) setting that carries the limit. */
    public static final String KEY = "sparkcl.save-total-limit";
    public static final int DEFAULT = 1;

    private CheckpointRetention() {
    }

    public static int keep(Configuration conf) {
        return Math.max(1, conf.getInt(KEY, DEFAULT));
    }

    public static void set(Configuration conf, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("--save-total-limit must be at least 1, got " + keep);
        }
        conf.setInt(KEY, keep);
    }
}
