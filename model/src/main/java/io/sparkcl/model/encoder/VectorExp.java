package io.sparkcl.model.encoder;

/**
 * e^x for x &le; 0 over a double array, in branch-free loops that HotSpot's C2 vectorises without any JVM flag (no
 * table, no float-to-int conversion): e^x = (e^(x/128))^128, e^w a degree-12 Taylor polynomial on w in [-0.625, 0]
 * (truncation below 4e-13, so about 5e-11 relative after seven squarings), x clamped to [-80, 0]. The polynomial's own
 * value at the clamp is subtracted, so arguments at or below -80 give exactly 0 (as padding keys must) and the others
 * move by 2e-35, far below float resolution. Used by the masked softmax, whose arguments are x - max &le; 0.
 */
final class VectorExp {
    private static final double LOW = -80.0;
    private static final double AT_LOW = powered(new double[]{LOW}, 1)[0];

    private VectorExp() {
    }

    /** x[j] = e^x[j] for j in [0, len); every x[j] must be &le; 0. */
    static void expInPlace(double[] x, int len) {
        powered(x, len);
        for (int j = 0; j < len; j++) {
            x[j] = Math.max(x[j] - AT_LOW, 0.0);
        }
    }

    /** x[j] = (polynomial(max(x[j], LOW) / 128))^128, in short loops (C2 vectorises only small loop bodies). */
    private static double[] powered(double[] x, int len) {
        for (int j = 0; j < len; j++) {
            double w = Math.max(x[j], LOW) * (1.0 / 128);
            x[j] = 1 + w * (1 + w * (1.0 / 2 + w * (1.0 / 6 + w * (1.0 / 24 + w * (1.0 / 120 + w * (1.0 / 720
                    + w * (1.0 / 5040 + w * (1.0 / 40320 + w * (1.0 / 362880 + w * (1.0 / 3628800
                    + w * (1.0 / 39916800 + w * (1.0 / 479001600))))))))))));
        }
        for (int j = 0; j < len; j++) {
            double e = x[j];
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            e *= e;
            x[j] = e * e;
        }
        return x;
    }
}
