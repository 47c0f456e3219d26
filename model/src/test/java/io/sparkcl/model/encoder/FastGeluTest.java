package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastGeluTest {

    /**
     * erf in float64 from its everywhere-convergent series of positive terms, erf(x) = 2/sqrt(pi) e^(-x^2) sum_n
     * 2^n x^(2n+1) / (1*3*...*(2n+1)) (no cancellation), an implementation independent of the kernel's; 1 - erf(|x|)
     * is below 3e-17 beyond |x| = 6.
     */
    static double erf(double x) {
        double a = Math.abs(x);
        if (a > 6) {
            return Math.copySign(1.0, x);
        }
        double term = a;
        double sum = a;
        for (int n = 1; n < 400 && term > 1e-18 * sum; n++) {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        double v = 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
        return Math.copySign(Math.min(v, 1.0), x);
    }

    @Test
    void referenceErfIsRight() {
        assertEquals(0.8427007929497149, erf(1.0), 1e-15);
        assertEquals(-0.9953222650189527, erf(-2.0), 1e-15);
        assertEquals(0.9999999999984626, erf(5.0), 1e-15);
    }

    @Test
    void geluAndDerivativeStayWithinTheStatedBoundsOfTheErfForm() {
        int len = 2_400_001;   // x in [-12, 12] in steps of 1e-5, plus the edges below
        float[] x = new float[len + 6];
        for (int i = 0; i < len; i++) {
            x[i] = (float) (-12 + i * 1e-5);
        }
        float[] edges = {0f, -0f, 1e-30f, -1e-25f, 300f, -300f};
        System.arraycopy(edges, 0, x, len, edges.length);
        float[] geluU = new float[x.length];
        float[] deriv = new float[x.length];
        FastGelu.apply(x, x.length, geluU, deriv, new FastGelu.Scratch(x.length));
        double worstGelu = 0;
        double worstDeriv = 0;
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double e = erf(v / Math.sqrt(2));
            double gelu = 0.5 * v * (1 + e);
            double d = 1 + e + v * Math.sqrt(2 / Math.PI) * Math.exp(-v * v / 2);
            worstGelu = Math.max(worstGelu, Math.abs(geluU[i] / 2 - gelu) / Math.max(1, Math.abs(v)));
            worstDeriv = Math.max(worstDeriv, Math.abs(deriv[i] - d));
        }
        assertTrue(worstGelu < 1e-6, "GELU error relative to max(1,|x|): " + worstGelu);
        assertTrue(worstDeriv < 3e-6, "derivative error: " + worstDeriv);
        assertEquals(0f, geluU[len], 0f, "GELU(0)");
        assertEquals(1f, deriv[len], 0f, "derivative at 0");
        assertEquals(600f, geluU[len + 4], 0f, "2 GELU(300)");
        assertEquals(0f, geluU[len + 5], 0f, "GELU(-300)");
    }

    @Test
    void withoutADerivativeArrayOnlyTheActivationIsWritten() {
        float[] x = {-1f, 0.5f, 2f};
        float[] withDeriv = new float[3];
        float[] without = new float[3];
        FastGelu.apply(x, 3, withDeriv, new float[3], new FastGelu.Scratch(3));
        FastGelu.apply(x, 3, without, null, new FastGelu.Scratch(3));
        for (int i = 0; i < 3; i++) {
            assertEquals(withDeriv[i], without[i]);
        }
    }
}
