package io.sparkcl.job.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The shared read-only datasets: SPARKCL_DATA_DIR, else {@code sparkcl.repo.root}/../shared/data. */
public final class TestData {
    private TestData() {
    }

    public static String dataDir() {
        String env = System.getenv("SPARKCL_DATA_DIR");
        Path p = env != null && !env.isBlank() ? Paths.get(env)
                : Paths.get(System.getProperty("sparkcl.repo.root", "."), "..", "shared", "data");
        if (!Files.isDirectory(p.resolve("dualcl"))) {
            throw new IllegalStateException("test data not found at " + p.toAbsolutePath().normalize() + ": set SPARKCL_DATA_DIR to a "
                    + "data root holding sst2 cr trec glue-sst2 glue-rte glue-cola, e.g. fetched with 'deploy/bin/sparkcl "
                    + "datasets download NAME --data-dir DIR' for each (see the README's Quick start)");
        }
        return p.toAbsolutePath().normalize().toString();
    }
}
