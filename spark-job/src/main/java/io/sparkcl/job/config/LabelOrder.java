package io.sparkcl.job.config;

import java.util.Locale;

/**
 * {@code --label-order}: the order of the label names DualCL puts in front of each training text. Evaluation and
 * prediction always use the dataset's order.
 */
public enum LabelOrder {
    /** Shuffled per example and epoch (seeded by the run's seed), so no label owns a position. */
    SHUFFLED,
    /** Always the dataset's label order, as the reference code's current version. */
    FIXED;

    /** The spelling on the command line and in config.yaml. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "shuffled" / "fixed" (case-insensitive; the option's check has accepted it). */
    static LabelOrder parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
