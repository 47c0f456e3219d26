package io.sparkcl.datasets;

import org.apache.spark.sql.SparkSession;

import java.io.File;

/** Shared test helpers: a small local Spark session and the location of the shared data folder. */
public final class TestSupport {
    private TestSupport() {
    }

    public static SparkSession spark(String appName) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
    }

    /** {@code SPARKCL_DATA_DIR}, else {@code sparkcl.repo.root/../shared/data}. */
    public static File sharedData() {
        String env = System.getenv("SPARKCL_DATA_DIR");
        File dir;
        if (env != null && !env.isBlank()) {
            dir = new File(env);
        } else {
            String root = System.getProperty("sparkcl.repo.root", new File("..").getAbsolutePath());
            dir = new File(root, "../shared/data");
        }
        if (!new File(dir, "README.md").isFile() && !new File(dir, "dualcl").isDirectory()) {
            throw new IllegalStateException("test data not found at " + dir.getAbsolutePath()
                    + ": set SPARKCL_DATA_DIR to a data root holding sst2 cr trec glue-sst2 glue-rte glue-cola, e.g. "
                    + "fetched with 'deploy/bin/sparkcl datasets download NAME --data-dir DIR' for each (see the "
                    + "README's Quick start)");
        }
        return dir.getAbsoluteFile();
    }

    public static String sharedDataRoot() {
        return DataRoot.normalise(sharedData().getPath());
    }
}
