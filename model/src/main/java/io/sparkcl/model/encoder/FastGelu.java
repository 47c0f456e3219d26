package io.sparkcl.model.encoder;

/**
 * The exact (erf) GELU in float, written so that HotSpot's C2 compiles it to SIMD code without any JVM flag: every
 * step is a short branch-free loop over float arrays (C2 unrolls and vectorises only small loop bodies; in JDK 17 it
 * vectorises neither float/int bit reinterpretation nor conversion, so there is no range reduction by exponent bits),
 * and a row is processed in a few passes over L1-resident scratch arrays. Math.min/max are avoided where possible: C2
 * vectorises each into several instructions (Java's NaN and -0 rules), about as much as a whole short pass.
 *
 * <p>erf(u) = 1 - P(s) s exp(-u^2) for u &ge; 0, s = 1/(1 + 0.3275911 u) (Abramowitz &amp; Stegun 7.1.26, |error| &lt;
 * 1.5e-7). The Gaussian exp(-u^2) = exp(-x^2/2), shared with the derivative, is p(w)^8 with w = -u^2/8 and p a degree-7
 * polynomial whose coefficients are a weighted minimax fit ({@code model/tools/fit_fast_kernels.py}: mostly the
 * absolute error of exp(-u^2) after the three squarings, plus its relative error so that it stays right up to the
 * clamp); u is clamped to 5.5 (erf(5.5) = 1 in float, exp(-5.5^2) = 7e-14, so the derivative's x exp(-x^2/2) needs no
 * clamp of x). The sign is x/(|x| + 1e-30) (exactly +-1 for |x| &gt; 1e-23, and erf is ~0 below that). Only +, *, two
 * divisions, abs and one min. Measured maximum error over [-12, 12] against float64 erf: |GELU| 2.1e-7 relative to
 * max(1, |x|), derivative 8.3e-7; {@code FastGeluTest} bounds them at 1e-6 and 3e-6.
 */
final class FastGelu {
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float U_MAX = 5.5f;
    /* exp(w) ~ 1 + w (Q0 + w (Q1 + ... + w Q6)) on [-5.5^2/8, 0]; from fit_fast_kernels.py */
    private static final float Q0 = 0.99999994f;
    private static final float Q1 = 0.4999929f;
    private static final float Q2 = 0.16656354f;
    private static final float Q3 = 0.0412337f;
    private static final float Q4 = 0.007669644f;
    private static final float Q5 = 0.0009524509f;
    private static final float Q6 = 5.6499157e-05f;

    /** Per-thread scratch of one row. */
    static final class Scratch {
        final float[] s;
        final float[] gauss;

        Scratch(int width) {
            s = new float[width];
            gauss = new float[width];
        }
    }

    private FastGelu() {
    }

    /**
     * geluU[j] = x (1 + erf(x / sqrt 2)) (= 2 GELU(x)) and, unless {@code deriv} is null, deriv[j] = d geluU / dx = 1 +
     * erf(x/sqrt 2) + x sqrt(2/pi) exp(-x^2/2), for j in [0, len).
     */
    static void apply(float[] x, int len, float[] geluU, float[] deriv, Scratch scratch) {
        float[] s = scratch.s;
        float[] g = scratch.gauss;
        for (int j = 0; j < len; j++) {
            float u = Math.min(Math.abs(x[j] * INV_SQRT2), U_MAX);
            s[j] = 1f / (1f + 0.3275911f * u);
            g[j] = u * u * (-1f / 8);
        }
        for (int j = 0; j < len; j++) {    // exp(-u^2) = p(-u^2/8)^8
            float w = g[j];
            float p = 1f + w * (Q0 + w * (Q1 + w * (Q2 + w * (Q3 + w * (Q4 + w * (Q5 + w * Q6))))));
            p *= p;
            p *= p;
            g[j] = p * p;
        }
        for (int j = 0; j < len; j++) {
            float t = s[j];
            // erf(|x|/sqrt 2)
            s[j] = 1f - ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t
                    + 0.254829592f) * t * g[j];
        }
        if (deriv == null) {
            for (int j = 0; j < len; j++) {
                float v = x[j];
                geluU[j] = (1f + v / (Math.abs(v) + 1e-30f) * s[j]) * v;
            }
            return;
        }
        for (int j = 0; j < len; j++) {
            float v = x[j];
            float e = 1f + v / (Math.abs(v) + 1e-30f) * s[j];
            geluU[j] = e * v;
            deriv[j] = e + SQRT_2_OVER_PI * v * g[j];
        }
    }
}
