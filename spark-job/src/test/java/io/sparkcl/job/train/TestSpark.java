package io.sparkcl.job.train;

import org.apache.spark.sql.SparkSession;

/** In-process Spark for tests: local[n], no UI, no console progress bar. */
public final class TestSpark {
    private TestSpark() {
    }

    public static SparkSession local(int threads) {
        return master("local[" + threads + "]");
    }

    /** local[n, maxFailures] lets Spark retry failed tasks, as on a cluster. */
    public static SparkSession localWithRetries(int threads, int maxFailures) {
        return master("local[" + threads + "," + maxFailures + "]");
    }

    private static SparkSession master(String master) {
        return SparkSession.builder()
                .master(master)
                .appName("sparkcl-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
