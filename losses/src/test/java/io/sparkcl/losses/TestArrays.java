package io.sparkcl.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Test helpers: seeded random arrays, central finite differences, array comparison. */
final class TestArrays {
    private TestArrays() {}

    static INDArray gaussian(long seed, DataType dt, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape).castTo(dt);
    }

    static INDArray labels(int... values) {
        return Nd4j.createFromArray(values);
    }

    /** Central finite differences of f at x (DOUBLE), perturbing x in place and restoring it. */
    static INDArray numericGradient(INDArray x, ToDoubleFunction<INDArray> f, double h) {
        assertEquals(DataType.DOUBLE, x.dataType());
        INDArray flat = x.reshape(x.length());
        INDArray grad = Nd4j.zeros(DataType.DOUBLE, x.length());
        for (long i = 0; i < x.length(); i++) {
            double orig = flat.getDouble(i);
            flat.putScalar(i, orig + h);
            double plus = f.applyAsDouble(x);
            flat.putScalar(i, orig - h);
            double minus = f.applyAsDouble(x);
            flat.putScalar(i, orig);
            grad.putScalar(i, (plus - minus) / (2 * h));
        }
        return grad.reshape(x.shape());
    }

    /** max |a−e| ≤ atol + rtol·max|e|. */
    static void assertClose(INDArray expected, INDArray actual, double rtol, double atol, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()),
                what + ": shape");
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        double diff = a.sub(e).amaxNumber().doubleValue();
        double scale = e.amaxNumber().doubleValue();
        assertTrue(diff <= atol + rtol * scale, what + ": max abs difference " + diff + " (scale " + scale + ")");
    }

    static void assertFinite(INDArray a, String what) {
        assertTrue(!BooleanIndexing.or(a, Conditions.notFinite()), what + " has non-finite entries");
    }
}
