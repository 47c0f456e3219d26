package io.sparkcl.job.config;

import io.sparkcl.losses.Method;
import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.EnumSet;

import static io.sparkcl.job.config.ConfigKey.*;

/**
 * The resolved configuration of {@code sparkcl train}, split into the typed parts each module receives:
 * {@link DataConfig} (datasets), {@link ModelConfig} (encoder and head), {@link ObjectiveConfig} (losses),
 * {@link OptimConfig} (optimizer), {@link ScheduleConfig} (batches, steps, evaluation, checkpoints) and
 * {@link RunConfig} (run folder, master). Immutable; built with {@link #builder()} or from {@link ConfigValues}
 * (YAML file plus command-line overrides). Defaults and single-value checks come from {@link ConfigKey};
 * this class adds only the defaults and checks that relate several options.
 */
public final class TrainConfig implements Serializable {
    private static final long serialVersionUID = 2L;
    /** Options that only mean something for the user's files ({@code --train-file}). */
    private static final Set<ConfigKey> USER_FILE_KEYS = EnumSet.of(TEXT_COLUMN, TEXT_PAIR_COLUMN, LABEL_COLUMN, LABELS);

    private final DataConfig data;
    private final ModelConfig model;
    private final ObjectiveConfig objective;
    private final OptimConfig optim;
    private final ScheduleConfig schedule;
    private final RunConfig run;
    private final ModeConfig mode;

    /** Every train option resolved: the given value, else its derived default, else its {@link ConfigKey} default. */
    private final ConfigValues resolved;

    private TrainConfig(ConfigValues given, LocalDateTime now) {
        given.checkEach();
        resolved = resolve(given, now);
        data = DataConfig.from(resolved);
        model = ModelConfig.from(resolved);
        objective = ObjectiveConfig.from(resolved);
        optim = OptimConfig.from(resolved);
        schedule = ScheduleConfig.from(resolved);
        run = RunConfig.from(resolved);
        mode = ModeConfig.from(resolved);
    }

    /** Normalised spellings and the defaults that depend on other options. */
    private static ConfigValues resolve(ConfigValues given, LocalDateTime now) {
        ConfigValues r = new ConfigValues().overrideWith(given);
        boolean userFiles = given.isSet(TRAIN_FILE);
        Method method = Method.parse(r.get(METHOD));
        String dataset = lower(r.get(DATASET, userFiles ? DataConfig.USER_DATASET : r.get(DATASET)));
        int globalBatch = r.get(GLOBAL_BATCH);
        r.set(DATASET, dataset, "resolved");
        r.set(METHOD, method.id(), "resolved");
        r.set(POOLING, lower(r.get(POOLING, ModelConfig.defaultPooling(r.get(MODEL)).id())), "resolved");
        r.set(FORMAT, lowerOrNull(r.get(FORMAT)), "resolved");
        r.set(LAMBDA, r.get(LAMBDA, ObjectiveConfig.defaultLambda(method)), "resolved");
        r.set(TAU, r.get(TAU, ObjectiveConfig.defaultTau(method)), "resolved");
        r.set(MICRO_BATCH, r.get(MICRO_BATCH, Math.min(16, globalBatch)), "resolved");
        r.set(PS_THRESHOLD, r.get(PS_THRESHOLD, r.get(LR)), "resolved");
        // --epochs defaults only when --steps is not given; both given is reported by validateValues().
        r.set(EPOCHS, r.get(EPOCHS, given.isSet(STEPS) ? null : 3), "resolved");
        r.set(OUTPUT, r.get(OUTPUT, defaultOutput(dataset, method, now)), "resolved");
        return r;
    }

    /** Resolves {@code values} (YAML file overridden by the command line); checks each value on its own. */
    public static TrainConfig from(ConfigValues values) {
        return new TrainConfig(values, LocalDateTime.now());
    }

    static TrainConfig from(ConfigValues values, LocalDateTime now) {
        return new TrainConfig(values, now);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (Map.Entry<String, Object> e : toMap().entrySet()) {
            b.set(e.getKey(), e.getValue());
        }
        return b;
    }

    static String defaultOutput(String dataset, Method method, LocalDateTime now) {
        return "runs/" + dataset + "-" + method.id() + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    // ------------------------------------------------------------------ validation

    /** Checks every value against the dataset registry and the Hadoop configuration of this JVM. */
    public TrainConfig validate() {
        return validate(DatasetCatalog.registry(), new Configuration());
    }

    /**
     * Checks the options together; throws {@link ConfigException} naming the first bad option. Also creates the
     * run folder and checks it is writable (through Hadoop's FileSystem), so it must run before any Spark work.
     */
    public TrainConfig validate(DatasetCatalog catalog, Configuration hadoopConf) {
        validateValues(catalog);
        OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), run.output(), true, run.resume(), hadoopConf);
        return this;
    }

    /** The checks that relate options and need no file system (single values were checked when resolving). */
    public TrainConfig validateValues(DatasetCatalog catalog) {
        if (data.usesRegistryDataset()) {
            Checks.registryDataset(data.dataset(), catalog, "or give your own data with --train-file");
            if (data.devFile() != null) {
                throw new ConfigException(DEV_FILE, "only used together with --train-file");
            }
            if (data.testFile() != null) {
                throw new ConfigException(TEST_FILE, "only used together with --train-file");
            }
        }
        if (data.fewShot() > 0 && data.fraction() < 1) {
            throw new ConfigException(FRACTION, "give --few-shot or --fraction, not both");
        }
        boolean contrastive = objective.method() != Method.CE;
        Checks.atLeast(GLOBAL_BATCH, schedule.globalBatch(), contrastive ? 2 : 1,
                contrastive ? " (a contrastive term needs at least 2 rows)" : "");
        if (schedule.microBatch() > schedule.globalBatch()) {
            throw new ConfigException(MICRO_BATCH, schedule.microBatch() + " is larger than --global-batch "
                    + schedule.globalBatch());
        }
        if (schedule.epochs() > 0 && schedule.steps() > 0) {
            throw new ConfigException(STEPS, "give --epochs or --steps, not both (got --epochs " + schedule.epochs()
                    + " and --steps " + schedule.steps() + ")");
        }
        if (mode.shared() && schedule.steps() > 0) {
            throw new ConfigException(STEPS, "--mode shared trains whole epochs: give --epochs instead of --steps "
                    + schedule.steps());
        }
        return this;
    }

    // ------------------------------------------------------------------ outputs

    /**
     * Every train option and its resolved value, in table order; unset optional values, and the columns of user
     * files for a registry dataset, are left out.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            Object v = resolved.get(k);
            boolean meaningful = !USER_FILE_KEYS.contains(k) || !data.usesRegistryDataset();
            if (k.appliesTo(ConfigKey.Scope.TRAIN) && v != null && meaningful) {
                m.put(k.key(), v);
            }
        }
        return m;
    }

    /** The resolved config as YAML; {@code sparkcl train --config} reads it back to the same config. */
    public String toYaml() {
        return "# sparkcl train — resolved configuration\n" + YamlConfig.write(toMap());
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String lowerOrNull(String s) {
        return s == null || s.isBlank() ? null : lower(s);
    }

    @Override
    public String toString() {
        return "TrainConfig" + toMap();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig other && toMap().equals(other.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    // ------------------------------------------------------------------ the parts

    public DataConfig data() { return data; }
    public ModelConfig model() { return model; }
    public ObjectiveConfig objective() { return objective; }
    public OptimConfig optim() { return optim; }
    public ScheduleConfig schedule() { return schedule; }
    public RunConfig run() { return run; }

    public ModeConfig mode() { return mode; }

    /** A copy writing to another run folder (tests, benchmarks and ablation grids derive runs this way). */
    public TrainConfig withRun(String output, boolean resume) {
        return toBuilder().set(OUTPUT, output).set(RESUME, resume).build();
    }

    /** Programmatic construction: set options by key, then {@link #build()}. Later sets win. */
    public static final class Builder {
        private final ConfigValues values = new ConfigValues();

        public Builder set(ConfigKey key, Object value) {
            values.set(key, value, "builder");
            return this;
        }

        /** {@code key} as on the command line or in YAML, with or without dashes. */
        public Builder set(String key, Object value) {
            ConfigKey k = ConfigKey.byKey(key).orElseThrow(() -> new ConfigException(key, "unknown option"));
            return set(k, value);
        }

        public Builder apply(ConfigValues overrides) {
            values.overrideWith(overrides);
            return this;
        }

        public Builder dataset(String v) { return set(DATASET, v); }
        public Builder model(String v) { return set(MODEL, v); }
        public Builder method(String v) { return set(METHOD, v); }
        public Builder lambda(double v) { return set(LAMBDA, v); }
        public Builder tau(double v) { return set(TAU, v); }
        public Builder globalBatch(int v) { return set(GLOBAL_BATCH, v); }
        public Builder microBatch(int v) { return set(MICRO_BATCH, v); }
        public Builder epochs(int v) { return set(EPOCHS, v); }
        public Builder steps(long v) { return set(STEPS, v); }
        public Builder lr(double v) { return set(LR, v); }
        public Builder seed(long v) { return set(SEED, v); }
        public Builder maxLength(int v) { return set(MAX_LENGTH, v); }
        public Builder output(String v) { return set(OUTPUT, v); }
        public Builder dataDir(String v) { return set(DATA_DIR, v); }
        public Builder partitions(int v) { return set(PARTITIONS, v); }

        public ConfigValues values() {
            return values;
        }

        /** Resolves defaults and checks each value; {@link TrainConfig#validate()} checks them together. */
        public TrainConfig build() {
            return TrainConfig.from(values);
        }
    }
}
