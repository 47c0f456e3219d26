package io.sparkcl.job.train;

import org.apache.spark.sql.SparkSession;

/** In-process Spark for tests: local[n], no UI, no console progress bar. */
public final class TestSpark {
    private TestSpark() {
    }

    public static SparkSession local(int threads) {
        return SparkSession.builder()
                .master("local[" + threads + "]")
                .appName("sparkcl-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
