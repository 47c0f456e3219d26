package io.sparkcl.job.ablate;

import java.util.List;
import java.util.Locale;

/**
 * Mean, sample standard deviation and a 95% Student-t interval of per-seed values (accuracies, or paired
 * differences of two methods on the same seeds).
 */
public record SeedStats(int n, double mean, double std, double halfWidth95) {
    /** Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond. */
    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};

    public static SeedStats of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            return new SeedStats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        if (n == 1) {
            return new SeedStats(1, mean, Double.NaN, Double.NaN);
        }
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double std = Math.sqrt(ss / (n - 1));
        double t = n - 1 <= T95.length ? T95[n - 2] : 1.96;
        return new SeedStats(n, mean, std, t * std / Math.sqrt(n));
    }

    /** {@code 91.19 ± 0.42} in percent (the papers' style); {@code 91.19} for one seed. */
    public String percent() {
        if (n == 0) {
            return "–";
        }
        return Double.isNaN(std) ? String.format(Locale.ROOT, "%.2f", 100 * mean)
                : String.format(Locale.ROOT, "%.2f ± %.2f", 100 * mean, 100 * std);
    }
}
