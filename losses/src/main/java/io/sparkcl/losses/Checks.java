package io.sparkcl.losses;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Argument validation shared by the losses; every message names the offending argument. */
final class Checks {
    private Checks() {}

    static double temperature(double tau) {
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("temperature must be a finite number > 0, got " + tau);
        }
        return tau;
    }

    static void notNull(INDArray a, String name) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    /** Floating tensor of the given rank, FLOAT or DOUBLE, with at least one row, all values finite. */
    static void floating(INDArray a, String name, int rank) {
        notNull(a, name);
        if (a.rank() != rank) {
            throw new IllegalArgumentException(name + " must have rank " + rank + ", got shape "
                    + Arrays.toString(a.shape()));
        }
        DataType dt = a.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            throw new IllegalArgumentException(name + " must be FLOAT or DOUBLE, got " + dt);
        }
        if (a.size(0) < 1) {
            throw new IllegalArgumentException(name + " must have at least one row, got shape "
                    + Arrays.toString(a.shape()));
        }
        for (int i = 1; i < rank; i++) {
            if (a.size(i) < 1) {
                throw new IllegalArgumentException(name + " has an empty dimension: shape "
                        + Arrays.toString(a.shape()));
            }
        }
        if (BooleanIndexing.or(a, Conditions.notFinite())) {
            throw new IllegalArgumentException(name + " " + Arrays.toString(a.shape())
                    + " contains non-finite values (NaN or Inf), first in row " + firstNonFiniteRow(a));
        }
    }

    private static long firstNonFiniteRow(INDArray a) {
        for (long r = 0; r < a.size(0); r++) {
            if (BooleanIndexing.or(a.slice(r), Conditions.notFinite())) {
                return r;
            }
        }
        return -1;
    }

    static void sameType(INDArray a, String aName, INDArray b, String bName) {
        if (a.dataType() != b.dataType()) {
            throw new IllegalArgumentException(aName + " is " + a.dataType() + " but " + bName + " is "
                    + b.dataType() + "; both must have the same data type");
        }
    }

    static void sameRows(INDArray a, String aName, INDArray b, String bName) {
        if (a.size(0) != b.size(0)) {
            throw new IllegalArgumentException("shape mismatch: " + aName + " " + Arrays.toString(a.shape())
                    + " and " + bName + " " + Arrays.toString(b.shape()) + " must have the same number of rows");
        }
    }

    static double normalizer(double normalizer) {
        if (!(normalizer > 0) || Double.isInfinite(normalizer)) {
            throw new IllegalArgumentException("normalizer must be a finite number > 0, got " + normalizer);
        }
        return normalizer;
    }
}
