package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorExpTest {
    @Test
    void vectorisedExpIsAccurateFarBeyondFloatPrecisionAndExactlyZeroFromTheClamp() {
        int len = 0;
        double[] x = new double[8000];
        for (double v = -100; v <= 0; v += 0.0137) {
            x[len++] = v;
        }
        double[] e = x.clone();
        VectorExp.expInPlace(e, len);
        double worst = 0;
        for (int i = 0; i < len; i++) {
            double want = Math.exp(x[i]);
            double err = Math.abs(e[i] - want);
            assertTrue(err <= 1e-10 * want + 2e-35, "e^" + x[i] + ": got " + e[i] + ", want " + want);
            if (x[i] > -40) {   // below, the 2e-35 offset dominates the relative error
                worst = Math.max(worst, err / want);
            }
        }
        assertTrue(worst < 1e-10, "max relative error above -40: " + worst);
        double[] edges = {0.0, -80.0, -1e9, Double.NEGATIVE_INFINITY};
        VectorExp.expInPlace(edges, edges.length);
        assertEquals(1.0, edges[0], 0.0);
        assertEquals(0.0, edges[1], 0.0);
        assertEquals(0.0, edges[2], 0.0);
        assertEquals(0.0, edges[3], 0.0);
    }
}
