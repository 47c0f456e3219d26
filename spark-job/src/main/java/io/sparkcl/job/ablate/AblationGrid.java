package io.sparkcl.job.ablate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The grid file of {@code sparkcl ablate}:
 * <pre>
 * fixed:            # train options, one value each (as in a train --config file)
 *   dataset: sst2
 *   epochs: 3
 * grid:             # train options, a list of values each; the cells are every combination
 *   seed: [1, 2, 3]
 *   method: [ce, scl, dualcl]
 * projection-rows: 500   # optional: test rows in the PCA figure (0 = no figure; default 500)
 * </pre>
 * Cells are enumerated in the order the grid keys are written, the first key varying slowest.
 * {@code output}, {@code resume} and {@code master} belong to the ablation, not to a cell.
 *
 * @param text  the file's text (copied into the ablation folder)
 * @param fixed the fixed options
 * @param axes  each varied option with its values in order
 */
public record AblationGrid(String text, ConfigValues fixed, Map<ConfigKey, List<Object>> axes, int projectionRows) {
    public static final int DEFAULT_PROJECTION_ROWS = 500;
    private static final Set<ConfigKey> RESERVED = Set.of(ConfigKey.OUTPUT, ConfigKey.RESUME, ConfigKey.MASTER);
    private static final Set<String> SECTIONS = Set.of("fixed", "grid", "projection-rows");

    /** Reads and checks {@code file} (a Hadoop path); errors name the file and the key. */
    public static AblationGrid read(String file, Configuration conf) {
        Path path = new Path(file);
        try (FSDataInputStream in = path.getFileSystem(conf).open(path)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), file);
        } catch (FileNotFoundException e) {
            throw new ConfigException("--grid", "file not found: " + file);
        } catch (IOException e) {
            throw new ConfigException("--grid", "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static AblationGrid parse(String text, String name) {
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(text, Object.class);
        } catch (IOException e) {
            throw new ConfigException("--grid", name + " is not valid YAML: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new ConfigException("--grid", name + " must be a mapping with 'fixed' and 'grid' sections");
        }
        for (Object k : top.keySet()) {
            if (!SECTIONS.contains(String.valueOf(k))) {
                throw new ConfigException("--grid", "unknown section '" + k + "' in " + name + "; sections are "
                        + SECTIONS);
            }
        }
        ConfigValues fixed = new ConfigValues();
        for (Map.Entry<?, ?> e : section(top, "fixed", name).entrySet()) {
            ConfigKey key = trainKey(e.getKey(), name, "fixed");
            if (e.getValue() instanceof List<?>) {
                throw new ConfigException("--grid", name + ": fixed '" + key.key() + "' is a list; put it under grid:");
            }
            fixed.set(key, e.getValue(), name);
        }
        Map<ConfigKey, List<Object>> axes = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : section(top, "grid", name).entrySet()) {
            ConfigKey key = trainKey(e.getKey(), name, "grid");
            if (fixed.isSet(key)) {
                throw new ConfigException("--grid", name + ": '" + key.key() + "' is both fixed and in the grid");
            }
            List<Object> values = e.getValue() instanceof List<?> l ? new ArrayList<>(l) : List.of(e.getValue());
            if (values.isEmpty()) {
                throw new ConfigException("--grid", name + ": grid '" + key.key() + "' has no values");
            }
            for (Object v : values) {
                new ConfigValues().set(key, v, name + " grid '" + key.key() + "'");
            }
            if (values.stream().map(String::valueOf).distinct().count() != values.size()) {
                throw new ConfigException("--grid", name + ": grid '" + key.key() + "' repeats a value: " + values);
            }
            axes.put(key, List.copyOf(values));
        }
        Object rows = top.get("projection-rows");
        int projectionRows = DEFAULT_PROJECTION_ROWS;
        if (rows != null) {
            if (!(rows instanceof Integer n) || n < 0) {
                throw new ConfigException("--grid", name + ": projection-rows must be a whole number >= 0, got " + rows);
            }
            projectionRows = n;
        }
        return new AblationGrid(text, fixed, axes, projectionRows);
    }

    private static Map<?, ?> section(Map<?, ?> top, String section, String name) {
        Object s = top.get(section);
        if (s == null) {
            return Map.of();
        }
        if (!(s instanceof Map<?, ?> m)) {
            throw new ConfigException("--grid", name + ": '" + section + "' must be a mapping of option: value");
        }
        return m;
    }

    private static ConfigKey trainKey(Object raw, String name, String section) {
        String k = String.valueOf(raw);
        ConfigKey key = ConfigKey.byKey(k).filter(c -> c.appliesTo(ConfigKey.Scope.TRAIN)).orElseThrow(() ->
                new ConfigException("--grid", name + ": '" + k + "' under " + section
                        + " is not a train option (see sparkcl train --help)"));
        if (RESERVED.contains(key)) {
            throw new ConfigException("--grid", name + ": '" + k + "' is set by sparkcl ablate, not per cell");
        }
        return key;
    }

    /** Every combination of the axes' values, the first axis varying slowest. */
    public List<Map<ConfigKey, Object>> combinations() {
        List<Map<ConfigKey, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<ConfigKey, List<Object>> axis : axes.entrySet()) {
            List<Map<ConfigKey, Object>> next = new ArrayList<>();
            for (Map<ConfigKey, Object> partial : out) {
                for (Object v : axis.getValue()) {
                    Map<ConfigKey, Object> m = new LinkedHashMap<>(partial);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }
}
