package io.sparkcl.job.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed, typed values of the options that were actually given (in a YAML file or on the command line),
 * before defaults are applied. Later {@link #set} calls win, which is how command-line overrides beat
 * the YAML file.
 */
public final class ConfigValues implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<ConfigKey, Object> values = new EnumMap<>(ConfigKey.class);
    private final Map<ConfigKey, String> origins = new EnumMap<>(ConfigKey.class);

    /** Parses {@code raw} for {@code key}; {@code origin} (e.g. "config.yaml" or "command line") goes into errors. */
    public ConfigValues set(ConfigKey key, Object raw, String origin) {
        Object parsed = key.type().parse(key, raw, origin);
        if (parsed == null) {
            values.remove(key);
            origins.remove(key);
        } else {
            values.put(key, parsed);
            origins.put(key, origin);
        }
        return this;
    }

    /** Every value of {@code other} overrides this one's. */
    public ConfigValues overrideWith(ConfigValues other) {
        values.putAll(other.values);
        origins.putAll(other.origins);
        return this;
    }

    /** Applies each given option's own check ({@link ConfigKey#check}); throws naming the first bad option. */
    public ConfigValues checkEach() {
        values.forEach(ConfigKey::check);
        return this;
    }

    /** The given value, else the option's typed default from {@link ConfigKey} (null when it has none). */
    public Object valueOrDefault(ConfigKey key) {
        Object v = values.get(key);
        return v != null ? v : key.defaultValue();
    }

    public boolean isSet(ConfigKey key) {
        return values.containsKey(key);
    }

    public String origin(ConfigKey key) {
        return origins.get(key);
    }

    public Map<ConfigKey, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /**
     * The value, else the option's typed default ({@link ConfigKey#defaultValue()}); null when neither exists.
     * The type is the option's {@link ValueType}: String, Integer, Long, Double, Boolean or List&lt;String&gt;.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey key) {
        return (T) valueOrDefault(key);
    }

    /** The value, else {@code dflt} (for defaults that depend on other options). */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey key, T dflt) {
        Object v = values.get(key);
        return v == null ? dflt : (T) v;
    }

    @SuppressWarnings("unchecked")
    public List<String> list(ConfigKey key) {
        Object v = values.get(key);
        return v == null ? List.of() : (List<String>) v;
    }
}
