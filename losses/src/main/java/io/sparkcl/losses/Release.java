package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frees large temporaries right away instead of waiting for the garbage collector, which (with a
 * mostly empty Java heap) may run long after the off-heap memory is needed again. At N = 32,768 this
 * keeps the peak near the live working set.
 */
final class Release {
    private Release() {}

    static void close(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }
}
