package io.sparkcl.model.encoder;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FusedKernelsTest {
    @Test
    void polynomialExpIsAccurateFarBeyondFloatPrecision() {
        double worst = 0;
        for (double x = -90; x <= 88; x += 0.0137) {
            worst = Math.max(worst, Math.abs(FusedKernels.expPoly(x) / Math.exp(x) - 1));
        }
        assertTrue(worst < 2e-8, "max relative error " + worst);
        assertEquals(0.0, FusedKernels.expPoly(-1e9));
        assertEquals(1.0, FusedKernels.expPoly(0.0));
    }
}
