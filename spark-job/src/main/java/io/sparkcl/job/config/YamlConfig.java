package io.sparkcl.job.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes config files: a flat YAML mapping whose keys are the option names without dashes
 * ({@code global-batch: 64}). Unknown and duplicate keys are errors (a typo must not be silently ignored); keys of
 * another subcommand (e.g. {@code lr} when evaluating) are skipped, so a run's {@code config.yaml} can be
 * passed to {@code evaluate}.
 */
public final class YamlConfig {
    private static final Logger LOG = LoggerFactory.getLogger(YamlConfig.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            // a key given twice is a mistake, not "the last one wins"
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private YamlConfig() {
    }

    /** Reads {@code file} (a Hadoop path: local, hdfs:, s3a:). */
    public static ConfigValues read(String file, ConfigKey.Scope scope, Configuration hadoopConf) {
        Path path = new Path(file);
        try {
            FileSystem fs = path.getFileSystem(hadoopConf);
            if (!fs.exists(path)) {
                throw new ConfigException("--config", "file not found: " + file);
            }
            try (FSDataInputStream in = fs.open(path)) {
                return parse(in, file, scope);
            }
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static ConfigValues parse(InputStream in, String name, ConfigKey.Scope scope) throws IOException {
        Object root;
        try {
            root = YAML.readValue(in, Object.class);
        } catch (IOException e) {
            throw new ConfigException("--config", name + " is not valid YAML: " + e.getMessage(), e);
        }
        ConfigValues values = new ConfigValues();
        if (root == null) {
            return values;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("--config", name + " must be a mapping of option: value, e.g. 'lr: 2e-5'");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            ConfigKey k = ConfigKey.byKey(key).orElseThrow(() -> new ConfigException("--config",
                    "unknown option '" + key + "' in " + name + "; options are the command-line names without "
                            + "dashes, see --help"));
            if (!k.appliesTo(scope)) {
                LOG.debug("{}: '{}' does not apply to {}, ignored", name, key, scope);
                continue;
            }
            values.set(k, e.getValue(), name);
        }
        return values;
    }

    /** YAML text of {@code ordered} (insertion order kept). */
    public static String write(Map<String, Object> ordered) {
        try {
            return YAML.writeValueAsString(new LinkedHashMap<>(ordered));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write YAML", e);
        }
    }
}
