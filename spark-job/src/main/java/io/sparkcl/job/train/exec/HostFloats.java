package io.sparkcl.job.train.exec;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * Bulk access to the values of a flat FLOAT array without a float-by-float loop: on the CPU backend the native
 * buffer itself, elsewhere (device memory) a host copy. Callers keep the array reachable while they use a view
 * ({@code Reference.reachabilityFence}): the view alone does not keep its native buffer alive.
 */
final class HostFloats {
    private HostFloats() {
    }

    /** The values of {@code a}, read-only use. */
    static FloatBuffer read(INDArray a) {
        check(a);
        return cpu() ? a.data().asNioFloat().duplicate() : FloatBuffer.wrap(a.data().asFloat());
    }

    /** The values of {@code a} to read and change; {@link #flush} makes the changes visible in {@code a}. */
    static FloatBuffer updatable(INDArray a) {
        return read(a);
    }

    /** A buffer to write all values of {@code a} into; {@link #flush} makes the writes visible in {@code a}. */
    static FloatBuffer writable(INDArray a) {
        check(a);
        return cpu() ? a.data().asNioFloat().duplicate() : FloatBuffer.allocate((int) a.length());
    }

    /** After writing into {@link #writable}: copies a host buffer to the device (no-op on the CPU backend). */
    static void flush(INDArray a, FloatBuffer written) {
        if (!cpu()) {
            a.assign(Nd4j.createFromArray(written.array()).reshape(a.shape()));
        }
    }

    private static boolean cpu() {
        return Nd4j.getEnvironment().isCPU();
    }

    /** Whether {@code a} is a FLOAT array that owns its whole buffer (what {@link #read} and {@link #writable} take). */
    static boolean isWholeFloat(INDArray a) {
        return a.dataType() == DataType.FLOAT && !a.isView() && a.data().length() == a.length()
                && a.length() <= Integer.MAX_VALUE;
    }

    private static void check(INDArray a) {
        if (!isWholeFloat(a)) {
            throw new IllegalArgumentException("expected a whole flat FLOAT array, got " + a.dataType() + " of "
                    + a.length() + " values over a buffer of " + a.data().length());
        }
    }
}
