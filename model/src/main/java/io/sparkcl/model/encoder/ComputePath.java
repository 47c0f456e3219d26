package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Which kernels run the encoder's blocks. {@link #FUSED}: single-pass Java kernels over the native FLOAT buffers,
 * the fastest on ND4J's CPU backend. {@link #PORTABLE}: ND4J/libnd4j operations only, which run on any backend
 * (CUDA) and in any precision. Both give the same results (tested to 1e-5 in FLOAT).
 */
public enum ComputePath {
    FUSED,
    PORTABLE;

    /** System property that selects the path of FLOAT models: {@code fused} or {@code portable}. */
    public static final String PROPERTY = "sparkcl.encoder.path";

    /**
     * The path for parameters of this data type: DOUBLE always runs {@link #PORTABLE} (the fused kernels are FLOAT
     * only); FLOAT runs the system property's choice when set, else {@link #FUSED} on ND4J's CPU backend and
     * {@link #PORTABLE} on any other backend.
     */
    public static ComputePath auto(DataType dataType) {
        if (dataType != DataType.FLOAT) {
            return PORTABLE;
        }
        String chosen = System.getProperty(PROPERTY);
        if (chosen != null && !chosen.isBlank()) {
            try {
                return valueOf(chosen.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + chosen + ": expected fused or portable", e);
            }
        }
        return Nd4j.getEnvironment().isCPU() ? FUSED : PORTABLE;
    }

    EncoderKernels kernels(DataType dataType) {
        if (this == FUSED && dataType != DataType.FLOAT) {
            throw new IllegalArgumentException("the fused encoder kernels are FLOAT only; " + dataType
                    + " parameters run the portable path");
        }
        return this == FUSED ? new FusedKernels() : new PortableKernels();
    }
}
