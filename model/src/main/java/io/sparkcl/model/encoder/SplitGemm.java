package io.sparkcl.model.encoder;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

import static org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads;
import static org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Row-major SGEMM whose parallelism is the fork-join pool's, not OpenBLAS's: a large product is cut into one band of
 * output rows per core, and each band is one single-threaded OpenBLAS call on a fork-join thread.
 *
 * <p>Why: after each threaded call OpenBLAS's worker threads busy-wait (about 2^28 cycles, ~0.1 s) for the next one,
 * so during the Java kernels that follow every GEMM of the encoder a waiting BLAS thread competed with the two
 * fork-join threads for the cores (measured: the OpenBLAS worker used 8.1 CPU-s in a benchmark run, 4.8 CPU-s with
 * its wait shortened to the minimum by {@code OPENBLAS_THREAD_TIMEOUT=4}). The wait is configurable only by an
 * environment variable read when the library loads; held at one thread, OpenBLAS never wakes its workers, so they
 * sleep. Cutting the rows gives each band exactly the products of the whole call (OpenBLAS never splits the inner
 * dimension), so results do not change.
 *
 * <p>OpenBLAS's thread count is process-wide: it is set to one while any split call is running (counted, so that
 * concurrent models in one JVM restore it once, to the value before the first) and restored afterwards, so other
 * BLAS users (ND4J's own GEMMs) keep their threads.
 */
final class SplitGemm {
    /** Below this many multiply-adds a product runs as one call (OpenBLAS would not thread it either). */
    private static final long MIN_SPLIT_WORK = 1L << 22;
    /** Rows per band at least (keeps OpenBLAS's blocking efficient). */
    private static final int MIN_BAND_ROWS = 64;

    private static final Object LOCK = new Object();
    private static int running;
    private static int threadsBefore;

    private SplitGemm() {
    }

    /**
     * C[m, n] = alpha op(A) op(B) + beta C (row-major, leading dimensions lda, ldb, ldc), split into row bands over as
     * many fork-join threads as OpenBLAS was set to use (and the pool has).
     */
    static void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, FloatPointer a, int lda,
                      FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        if ((long) m * n * k < MIN_SPLIT_WORK) {
            call(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        int configured = holdOneThread();
        try {
            int parts = Math.max(1, Math.min(Math.min(configured, parallelism()), m / MIN_BAND_ROWS));
            IntStream.range(0, parts).parallel().forEach(p -> {
                int from = (int) ((long) m * p / parts);
                int to = (int) ((long) m * (p + 1) / parts);
                // band rows [from, to) of op(A): rows of A, or columns of A when transposed
                FloatPointer aBand = at(a, ta ? from : (long) from * lda);
                call(ta, tb, to - from, n, k, alpha, aBand, lda, b, ldb, beta, at(c, (long) from * ldc), ldc);
            });
        } finally {
            release();
        }
    }

    /** The caller plus the common pool's workers. */
    private static int parallelism() {
        return ForkJoinPool.getCommonPoolParallelism() + 1;
    }

    private static void call(boolean ta, boolean tb, int m, int n, int k, float alpha, FloatPointer a, int lda,
                             FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, op(ta), op(tb), m, n, k, alpha, a, lda, b, ldb,
                beta, c, ldc);
    }

    private static int op(boolean transpose) {
        return transpose ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    }

    private static FloatPointer at(FloatPointer base, long elements) {
        return new FloatPointer(base).position(base.position() + elements);
    }

    /** Sets OpenBLAS to one thread (the first of concurrent callers); returns the count set before. */
    private static int holdOneThread() {
        synchronized (LOCK) {
            if (running++ == 0) {
                threadsBefore = Math.max(1, blas_get_num_threads());
                blas_set_num_threads(1);
            }
            return threadsBefore;
        }
    }

    private static void release() {
        synchronized (LOCK) {
            if (--running == 0) {
                blas_set_num_threads(threadsBefore);
            }
        }
    }
}
