package io.sparkcl.datasets.quarantine;

import java.io.Serializable;

/**
 * How many bad rows a split may have before reading it fails: a count ({@code 100}) or a fraction of the
 * split's rows ({@code 0.01} or {@code 1%}). The split fails when bad rows are MORE than the allowance.
 */
public final class BadRowThreshold implements Serializable {
    /** The default allowance: 1% of the rows of a split. */
    public static final BadRowThreshold DEFAULT = fraction(0.01);

    private final long maxCount;
    private final double maxFraction;
    private final String text;

    private BadRowThreshold(long maxCount, double maxFraction, String text) {
        this.maxCount = maxCount;
        this.maxFraction = maxFraction;
        this.text = text;
    }

    public static BadRowThreshold count(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("--max-bad-rows must not be negative, got " + max);
        }
        return new BadRowThreshold(max, Double.NaN, Long.toString(max));
    }

    public static BadRowThreshold fraction(double max) {
        if (!(max >= 0 && max <= 1)) {
            throw new IllegalArgumentException("--max-bad-rows fraction must be in [0, 1], got " + max);
        }
        return new BadRowThreshold(-1, max, stripZeros(max * 100) + "%");
    }

    /** No limit: bad rows are quarantined but never fail the read. */
    public static BadRowThreshold unlimited() {
        return new BadRowThreshold(Long.MAX_VALUE, Double.NaN, "unlimited");
    }

    /**
     * Parses {@code --max-bad-rows}: an integer is a count ({@code 0} = no bad row allowed), a value with a
     * decimal point is a fraction in [0, 1], a value ending in {@code %} is a percentage, {@code unlimited}
     * turns the check off.
     */
    public static BadRowThreshold parse(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        String v = value.trim();
        try {
            if (v.equalsIgnoreCase("unlimited") || v.equalsIgnoreCase("none")) {
                return unlimited();
            }
            if (v.endsWith("%")) {
                return fraction(Double.parseDouble(v.substring(0, v.length() - 1).trim()) / 100.0);
            }
            if (v.contains(".") || v.contains("e") || v.contains("E")) {
                return fraction(Double.parseDouble(v));
            }
            return count(Long.parseLong(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--max-bad-rows '" + value
                    + "' is neither a count (100), a fraction (0.01), a percentage (1%) nor 'unlimited'");
        }
    }

    public boolean exceeded(long badRows, long totalRows) {
        if (Double.isNaN(maxFraction)) {
            return badRows > maxCount;
        }
        return badRows > maxFraction * totalRows;
    }

    @Override
    public String toString() {
        return text;
    }

    private static String stripZeros(double d) {
        String s = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        return s;
    }
}
