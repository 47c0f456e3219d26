package io.sparkcl.job.config;

import io.sparkcl.losses.Method;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The value checks {@link ConfigKey} declares for its options ({@link ConfigKey.Rule}s), each throwing a
 * {@link ConfigException} that names the option. Written once here; no other class re-checks a single value.
 */
final class Checks {
    /** Longest input the supported encoders have position embeddings for. */
    static final int MAX_POSITIONS = 512;

    private Checks() {
    }

    /** One of an enum's spellings, so that the check and the enum cannot drift apart. */
    static <E extends Enum<E>> ConfigKey.Rule oneOf(E[] values, Function<E, String> spelling) {
        return oneOf(Arrays.stream(values).map(spelling).toArray(String[]::new));
    }

    static ConfigKey.Rule oneOf(String... allowed) {
        return (key, v) -> {
            String value = ((String) v).trim().toLowerCase(Locale.ROOT);
            if (Arrays.stream(allowed).noneMatch(value::equals)) {
                throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
            }
        };
    }

    static ConfigKey.Rule method() {
        return (key, v) -> {
            try {
                Method.parse((String) v);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "must be one of ce, scl, dualcl, got '" + v + "'");
            }
        };
    }

    static ConfigKey.Rule notBlank() {
        return (key, v) -> {
            if (((String) v).isBlank()) {
                throw new ConfigException(key, "must not be empty");
            }
        };
    }

    static ConfigKey.Rule ipv4Cidr() {
        return (key, v) -> {
            String[] parts = ((String) v).split("/");
            boolean ok = parts.length == 2 && parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}")
                    && parts[1].matches("\\d{1,2}") && Integer.parseInt(parts[1]) <= 32;
            if (!ok) {
                throw new ConfigException(key, "must be an IPv4 network in CIDR like 10.0.0.0/16, got '" + v + "'");
            }
        };
    }

    static ConfigKey.Rule labelList() {
        return (key, v) -> {
            List<?> labels = (List<?>) v;
            if (labels.size() == 1) {
                throw new ConfigException(key, "a classification task needs at least 2 labels, got " + labels);
            }
            if (labels.stream().distinct().count() != labels.size()) {
                throw new ConfigException(key, "labels must be distinct, got " + labels);
            }
        };
    }

    static ConfigKey.Rule inClosed(double lo, double hi) {
        return (key, v) -> {
            double value = (Double) v;
            if (!(value >= lo && value <= hi)) {
                throw new ConfigException(key, "must be in [" + fmt(lo) + "," + fmt(hi) + "], got " + value);
            }
        };
    }

    /** In [0,1): dropout, label noise. */
    static ConfigKey.Rule probability() {
        return (key, v) -> {
            double value = (Double) v;
            if (!(value >= 0 && value < 1)) {
                throw new ConfigException(key, "must be in [0,1), got " + value);
            }
        };
    }

    /** In (0,1]: a fraction of the rows. */
    static ConfigKey.Rule fraction() {
        return (key, v) -> {
            double value = (Double) v;
            if (!(value > 0 && value <= 1)) {
                throw new ConfigException(key, "must be in (0,1], got " + value);
            }
        };
    }

    static ConfigKey.Rule positive() {
        return (key, v) -> {
            double value = (Double) v;
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new ConfigException(key, "must be a positive number, got " + value);
            }
        };
    }

    static ConfigKey.Rule nonNegative() {
        return (key, v) -> {
            double value = (Double) v;
            if (!(value >= 0) || Double.isInfinite(value)) {
                throw new ConfigException(key, "must be >= 0, got " + value);
            }
        };
    }

    static ConfigKey.Rule atLeast(long min) {
        return (key, v) -> atLeast(key, ((Number) v).longValue(), min, "");
    }

    static ConfigKey.Rule range(long lo, long hi) {
        return (key, v) -> {
            long value = ((Number) v).longValue();
            if (value < lo || value > hi) {
                throw new ConfigException(key, "must be between " + lo + " and " + hi + ", got " + value);
            }
        };
    }

    /** Same grammar as the datasets module's BadRowThreshold: a count, a fraction, a percentage or "unlimited". */
    static ConfigKey.Rule badRows() {
        return (key, value) -> {
            String v = ((String) value).trim();
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
            throw new ConfigException(key, "expected a count (100), a fraction in [0,1] (0.01), "
                    + "a percentage (1%) or 'unlimited', got '" + value + "'");
        };
    }

    /** A cross-option lower bound (e.g. the global batch of a contrastive method); {@code why} ends the message. */
    static void atLeast(ConfigKey key, long value, long min, String why) {
        if (value < min) {
            throw new ConfigException(key, "must be at least " + min + why + ", got " + value);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** The dataset must be in the registry unless a file is given ({@code fileHint} says which option reads one). */
    static void registryDataset(String dataset, DatasetCatalog catalog, String fileHint) {
        if (!catalog.contains(dataset)) {
            throw new ConfigException(ConfigKey.DATASET, "unknown dataset '" + dataset + "'; registry datasets are "
                    + String.join(", ", catalog.names()) + " (" + fileHint + ")");
        }
    }
}
