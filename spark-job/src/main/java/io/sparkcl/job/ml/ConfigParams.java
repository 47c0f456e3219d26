package io.sparkcl.job.ml;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spark ML {@link Param}s generated from {@link ConfigKey}, the one option table of the command line: the same
 * names ({@code global-batch}), docs ({@code --help} text and default), value types, and the same parsing
 * ({@link io.sparkcl.job.config.ValueType#parse}) as validator. Values are turned back into {@link ConfigValues}
 * so that the command line's own resolution and validation ({@code TrainConfig}, {@code EvaluateConfig})
 * apply defaults and check ranges and combinations.
 */
final class ConfigParams implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String ORIGIN = "Spark ML param";

    private final Map<ConfigKey, Param<?>> params = new LinkedHashMap<>();

    ConfigParams(Params owner, Collection<ConfigKey> keys) {
        for (ConfigKey key : keys) {
            params.put(key, create(owner, key));
        }
    }

    Collection<Param<?>> all() {
        return params.values();
    }

    Optional<ConfigKey> keyOf(String name) {
        return ConfigKey.byKey(name).filter(params::containsKey);
    }

    @SuppressWarnings("unchecked")
    <T> Param<T> param(ConfigKey key) {
        Param<?> p = params.get(key);
        if (p == null) {
            throw new IllegalArgumentException("no option '" + key.key() + "' here; options: " + names());
        }
        return (Param<T>) p;
    }

    List<String> names() {
        return params.keySet().stream().map(ConfigKey::key).toList();
    }

    /** Sets option {@code name} from a typed value or its command-line text ("64", "0.1", "a,b"). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void set(Params owner, String name, Object value) {
        ConfigKey key = keyOf(name).orElseThrow(() -> new IllegalArgumentException("unknown option '" + name
                + "'; options: " + names()));
        Object parsed = key.type().parse(key, raw(value), ORIGIN);
        if (parsed instanceof List<?> list) {
            parsed = list.toArray(new String[0]);
        }
        owner.set((Param) param(key), parsed);
    }

    /** The options set on {@code owner}, as the command line would have given them. */
    ConfigValues values(Params owner) {
        ConfigValues v = new ConfigValues();
        params.forEach((key, p) -> {
            if (owner.isSet(p)) {
                v.set(key, raw(owner.getOrDefault(p)), ORIGIN + " " + key.key());
            }
        });
        return v;
    }

    private static Object raw(Object value) {
        return value instanceof String[] a ? Arrays.asList(a) : value;
    }

    private static Param<?> create(Params owner, ConfigKey key) {
        String uid = owner.uid();
        String doc = key.help() + (key.defaultText() == null ? "" : " Default: " + key.defaultText() + ".");
        return switch (key.type()) {
            case STRING -> new Param<String>(uid, key.key(), doc, new Validator<>(key));
            case INT -> new IntParam(uid, key.key(), doc, new Validator<>(key));
            case LONG -> new LongParam(uid, key.key(), doc, new Validator<>(key));
            case DOUBLE -> new DoubleParam(uid, key.key(), doc, new Validator<>(key));
            case BOOLEAN -> new BooleanParam(uid, key.key(), doc);
            case LIST -> new StringArrayParam(owner, key.key(), doc, new Validator<>(key));
        };
    }

    /**
     * A value is valid when the command line's parser accepts it (else the CLI's message). The option's rule
     * ({@link ConfigKey#check}) runs when the stage resolves its params ({@code ConfigValues.checkEach}), with
     * the relations between options, in {@code transformSchema} and {@code fit}.
     */
    private static final class Validator<T> extends AbstractFunction1<T, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ConfigKey key;

        Validator(ConfigKey key) {
            this.key = key;
        }

        @Override
        public Object apply(T value) {
            key.type().parse(key, raw(value), ORIGIN);
            return Boolean.TRUE;
        }
    }
}
