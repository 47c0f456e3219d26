package io.sparkcl.datasets;

import org.apache.hadoop.fs.Path;

import java.io.File;
import java.util.Map;

/**
 * Resolves the data root, a Hadoop path: the {@code --data-dir} value if given, else the
 * {@code SPARKCL_DATA_DIR} environment variable, else {@code ~/.cache/sparkcl/data}.
 * A plain local path (no scheme) is made absolute and given the {@code file:} scheme.
 */
public final class DataRoot {
    public static final String ENV = "SPARKCL_DATA_DIR";

    private DataRoot() {
    }

    public static String resolve(String dataDirOption) {
        return resolve(dataDirOption, System.getenv(), System.getProperty("user.home"));
    }

    static String resolve(String dataDirOption, Map<String, String> env, String userHome) {
        String chosen;
        if (dataDirOption != null && !dataDirOption.isBlank()) {
            chosen = dataDirOption.trim();
        } else if (env.get(ENV) != null && !env.get(ENV).isBlank()) {
            chosen = env.get(ENV).trim();
        } else {
            chosen = new File(userHome, ".cache/sparkcl/data").getPath();
        }
        return normalise(chosen);
    }

    /** Local paths become absolute {@code file:} URIs; paths with a scheme ({@code hdfs:}, {@code s3a:}) are kept. */
    public static String normalise(String path) {
        Path p = new Path(path);
        if (p.toUri().getScheme() != null) {
            return stripTrailingSlash(path);
        }
        return stripTrailingSlash(new File(path).getAbsoluteFile().toURI().toString());
    }

    /** {@code root + "/" + relative}. */
    public static String child(String root, String relative) {
        return stripTrailingSlash(root) + "/" + relative;
    }

    private static String stripTrailingSlash(String s) {
        String out = s;
        while (out.length() > 1 && out.endsWith("/") && !out.endsWith(":/") && !out.endsWith("://")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }
}
