package io.sparkcl.job.train;

import org.apache.spark.sql.SparkSession;

/** A session that a test starts and stops itself; one session for a whole test class: {@link LocalSpark}. */
public final class TestSpark {
    private TestSpark() {
    }

    /** {@code local[threads]} with the settings of {@link LocalSpark}; the caller stops it. */
    public static SparkSession local(int threads) {
        return LocalSpark.threads(threads).session();
    }
}
