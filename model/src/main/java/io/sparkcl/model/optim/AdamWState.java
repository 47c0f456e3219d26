package io.sparkcl.model.optim;

import java.io.Serializable;

/**
 * A snapshot of {@link AdamW}'s state as plain arrays: first and second moment estimates (flat, parameter layout)
 * and the number of updates made. Values are exact copies (a FLOAT optimizer's moments are widened losslessly).
 */
public record AdamWState(long step, double[] m, double[] v) implements Serializable {
    public AdamWState {
        if (step < 0 || m == null || v == null || m.length != v.length) {
            throw new IllegalArgumentException("AdamWState: need step >= 0 and m, v of equal length");
        }
    }
}
