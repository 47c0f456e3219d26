package io.sparkcl.model.encoder;

/**
 * e^x for x &le; 0 over a double array, in branch-free loops that HotSpot's C2 vectorises without any JVM flag (no
 * table, no float-to-int conversion: C2 in JDK 17 does not vectorise those): e^x = (e^(x/1024))^1024, e^w a degree-6
 * polynomial on w in [-80/1024, 0] (a relative minimax fit from {@code model/tools/fit_fast_kernels.py}, 1.7e-15, so
 * about 1.8e-12 after ten squarings; measured 9.8e-13 against {@code Math.exp}), x clamped to [-80, 0]. The
 * polynomial's own value at the clamp is subtracted, so arguments at or below -80 give exactly 0 (as padding keys
 * must) and the others move by 1.8e-35, far below float resolution. Used by the masked softmax, whose arguments are
 * x - max &le; 0.
 */
final class VectorExp {
    private static final double LOW = -80.0;
    /* e^w ~ 1 + w (Q0 + w (Q1 + w (Q2 + w (Q3 + w (Q4 + w Q5))))) on [-80/1024, 0], from fit_fast_kernels.py */
    private static final double Q0 = 0.9999999999999779;
    private static final double Q1 = 0.49999999997980976;
    private static final double Q2 = 0.16666666367187696;
    private static final double Q3 = 0.041666503784701846;
    private static final double Q4 = 0.008329318718212396;
    private static final double Q5 = 0.001343098353661129;
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

    /** x[j] = (polynomial(max(x[j], LOW) / 1024))^1024, in short loops (C2 vectorises only small loop bodies). */
    private static double[] powered(double[] x, int len) {
        for (int j = 0; j < len; j++) {
            double w = Math.max(x[j], LOW) * (1.0 / 1024);
            x[j] = 1 + w * (Q0 + w * (Q1 + w * (Q2 + w * (Q3 + w * (Q4 + w * Q5)))));
        }
        for (int j = 0; j < len; j++) {
            double e = x[j];
            e *= e;
            e *= e;
            e *= e;
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
