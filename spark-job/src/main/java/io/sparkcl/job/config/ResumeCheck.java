package io.sparkcl.job.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * {@code --resume} continues a run only with the configuration it was started with: the resolved options
 * are compared with the run folder's {@code config.yaml} before anything is written. Only the options that
 * {@link ConfigKey#mayChangeOnResume() may change on resume} may differ (they change how long the run goes on
 * and what it reports, not what a step computes); any other difference is an error listing every changed option.
 */
public final class ResumeCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ResumeCheck.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String CONFIG_FILE = "config.yaml";

    private ResumeCheck() {
    }

    /**
     * @param runFolder the run to continue
     * @param resolved  this run's resolved options (option name → value), as written to config.yaml
     * @throws ConfigException naming every option that differs from the run's
     */
    public static void check(String runFolder, Map<String, Object> resolved, Configuration conf) {
        Map<String, Object> saved = readSaved(runFolder, conf);
        if (saved == null) {
            LOG.warn("--resume: {} has no {}; the configuration cannot be compared with the run's", runFolder,
                    CONFIG_FILE);
            return;
        }
        List<String> changed = differences(saved, normalise(resolved));
        if (!changed.isEmpty()) {
            throw new ConfigException(ConfigKey.RESUME, "the run in " + runFolder + " was started with other "
                    + "options: " + String.join("; ", changed) + ". Resume with the run's own options (e.g. "
                    + "--config " + new Path(runFolder, CONFIG_FILE) + " --resume), or start a new run. Options that "
                    + "may change on resume: " + Arrays.stream(ConfigKey.values())
                    .filter(ConfigKey::mayChangeOnResume).map(ConfigKey::optionName).collect(Collectors.joining(", ")));
        }
    }

    static List<String> differences(Map<String, Object> saved, Map<String, Object> now) {
        List<String> out = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            if (key.mayChangeOnResume()) {
                continue;
            }
            Object before = saved.get(key.key());
            Object after = now.get(key.key());
            if (!Objects.equals(text(before), text(after))) {
                out.add(key.optionName() + " was " + shown(before) + ", now " + shown(after));
            }
        }
        return out;
    }

    private static String text(Object v) {
        if (v instanceof Number n) {
            return Double.toString(n.doubleValue()); // 32 (int) and 32 (long), 0.1 and 1e-1 are equal
        }
        return v == null ? null : String.valueOf(v);
    }

    private static String shown(Object v) {
        return v == null ? "unset" : String.valueOf(v);
    }

    /** The values as they read back from YAML (numbers, lists), so both sides have the same types. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> normalise(Map<String, Object> resolved) {
        try {
            return YAML.readValue(YamlConfig.write(resolved), LinkedHashMap.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot re-read the resolved configuration", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readSaved(String runFolder, Configuration conf) {
        Path file = new Path(runFolder, CONFIG_FILE);
        try {
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                return null;
            }
            try (FSDataInputStream in = fs.open(file)) {
                Map<String, Object> m = YAML.readValue((java.io.InputStream) in, LinkedHashMap.class);
                return m == null ? Map.of() : m;
            }
        } catch (IOException e) {
            throw new ConfigException(ConfigKey.RESUME.optionName(), "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
