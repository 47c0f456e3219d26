package io.sparkcl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads rows of the shared datasets for tests: {@code SPARKCL_DATA_DIR}, else the system property
 * {@code sparkcl.repo.root} (set by Surefire) + {@code /../shared/data}.
 */
public final class RealData {

    /** One labelled row of a DualCL JSON file. */
    public record Row(String text, String label) {
    }

    /** One GLUE sentence pair. */
    public record Pair(String first, String second, String label) {
    }

    private RealData() {
    }

    public static Path dataDir() {
        String env = System.getenv("SPARKCL_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        String root = System.getProperty("sparkcl.repo.root", ".");
        Path p = Paths.get(root, "..", "shared", "data").normalize();
        if (!Files.isDirectory(p)) {
            // running from the module folder without Surefire's property
            p = Paths.get(root, "..", "..", "shared", "data").normalize();
        }
        return p;
    }

    /** The first {@code limit} rows of a DualCL JSON file such as {@code SST2_Train.json}. */
    public static List<Row> dualcl(String file, int limit) {
        Path p = dataDir().resolve("dualcl").resolve(file);
        try {
            JsonNode arr = new ObjectMapper().readTree(p.toFile());
            List<Row> rows = new ArrayList<>();
            for (JsonNode n : arr) {
                if (rows.size() >= limit) {
                    break;
                }
                rows.add(new Row(n.path("text").asText(), n.path("label").asText()));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read test data " + p, e);
        }
    }

    /** The first {@code limit} rows of GLUE RTE's dev.tsv. */
    public static List<Pair> rteDev(int limit) {
        Path p = dataDir().resolve("glue").resolve("RTE").resolve("dev.tsv");
        try {
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            List<Pair> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (rows.size() >= limit) {
                    break;
                }
                String[] f = line.split("\t");
                rows.add(new Pair(f[1], f[2], f[3]));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read test data " + p, e);
        }
    }
}
