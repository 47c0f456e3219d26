package io.sparkcl.job.config;

import java.util.Arrays;

/** Small value checks that throw {@link ConfigException} naming the option. */
final class Checks {
    private Checks() {
    }

    static void oneOf(ConfigKey key, String value, String... allowed) {
        if (value == null || Arrays.stream(allowed).noneMatch(value::equals)) {
            throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
    }

    static void notBlank(ConfigKey key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "must not be empty");
        }
    }

    static void inClosed(ConfigKey key, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new ConfigException(key, "must be in [" + fmt(lo) + "," + fmt(hi) + "], got " + value);
        }
    }

    static void positive(ConfigKey key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ConfigException(key, "must be a positive number, got " + value);
        }
    }

    static void nonNegative(ConfigKey key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigException(key, "must be >= 0, got " + value);
        }
    }

    static void atLeast(ConfigKey key, long value, long min, String why) {
        if (value < min) {
            throw new ConfigException(key, "must be at least " + min + why + ", got " + value);
        }
    }

    static void range(ConfigKey key, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw new ConfigException(key, "must be between " + lo + " and " + hi + ", got " + value);
        }
    }

    /** Same grammar as the datasets module's BadRowThreshold: a count, a fraction, a percentage or "unlimited". */
    static void badRows(String value) {
        String v = value == null ? "" : value.trim();
        try {
            if (v.equalsIgnoreCase("unlimited")) {
                return;
            }
            if (v.endsWith("%")) {
                double pct = Double.parseDouble(v.substring(0, v.length() - 1).trim());
                if (pct >= 0 && pct <= 100) {
                    return;
                }
            } else if (v.matches("\\d+")) {
                return;
            } else {
                double f = Double.parseDouble(v);
                if (f >= 0 && f <= 1) {
                    return;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(ConfigKey.MAX_BAD_ROWS, "expected a count (100), a fraction in [0,1] (0.01), "
                + "a percentage (1%) or 'unlimited', got '" + value + "'");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * The options evaluate and predict share: the fine-tuned model folder, the dataset (registry name unless a
     * file is given; {@code fileHint} says which option reads a file instead), the split and the inference options.
     */
    static void inferenceOptions(String model, boolean usesRegistryDataset, String dataset, DatasetCatalog catalog,
                                 String fileHint, String split, String format, String maxBadRows, int maxLength,
                                 int evalBatch, int partitions, org.apache.hadoop.conf.Configuration conf) {
        EvaluateConfig.ModelFolder.check(model, conf);
        if (usesRegistryDataset && !catalog.contains(dataset)) {
            throw new ConfigException(ConfigKey.DATASET, "unknown dataset '" + dataset + "'; registry datasets are "
                    + String.join(", ", catalog.names()) + " (" + fileHint + ")");
        }
        notBlank(ConfigKey.SPLIT, split);
        if (format != null) {
            oneOf(ConfigKey.FORMAT, format, "json", "jsonl", "csv", "tsv", "parquet");
        }
        badRows(maxBadRows);
        if (maxLength != 0) {
            range(ConfigKey.MAX_LENGTH, maxLength, 8, TrainConfig.MAX_POSITIONS);
        }
        atLeast(ConfigKey.EVAL_BATCH, evalBatch, 1, "");
        atLeast(ConfigKey.PARTITIONS, partitions, 0, "");
    }
}
