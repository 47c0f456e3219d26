package io.sparkcl.job.config;

import io.sparkcl.losses.Method;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.Pooling;
import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    private final DataConfig data;
    private final ModelConfig model;
    private final ObjectiveConfig objective;
    private final OptimConfig optim;
    private final ScheduleConfig schedule;
    private final RunConfig run;

    private TrainConfig(ConfigValues v, LocalDateTime now) {
        v.checkEach();
        String trainFile = v.string(TRAIN_FILE);
        String dataset = lower(v.string(DATASET, trainFile == null ? (String) DATASET.defaultValue() : DataConfig.USER_DATASET));
        Method method = Method.parse(v.string(METHOD));
        long seed = v.longValue(SEED);
        int globalBatch = v.integer(GLOBAL_BATCH);
        long steps = v.longValue(STEPS, 0);
        data = new DataConfig(dataset, v.string(DATA_DIR), trainFile, v.string(DEV_FILE), v.string(TEST_FILE),
                lowerOrNull(v.string(FORMAT)), v.string(TEXT_COLUMN), v.string(TEXT_PAIR_COLUMN),
                v.string(LABEL_COLUMN), v.list(LABELS), v.string(MAX_BAD_ROWS), v.integer(FEW_SHOT),
                v.number(FRACTION), v.number(LABEL_NOISE), seed, v.integer(PARTITIONS));
        model = new ModelConfig(v.string(MODEL), ClassifierHead.of(method), Pooling.parse(v.string(POOLING)),
                v.number(DROPOUT, -1), v.integer(MAX_LENGTH));
        objective = new ObjectiveConfig(method, v.number(LAMBDA, ObjectiveConfig.defaultLambda(method)),
                v.number(TAU, ObjectiveConfig.defaultTau(method)));
        optim = new OptimConfig(v.number(LR), v.number(WARMUP), v.number(WEIGHT_DECAY), v.number(MAX_GRAD_NORM),
                v.flag(FREEZE_EMBEDDINGS));
        // --epochs defaults only when --steps is not given; both given is reported by validateValues().
        schedule = new ScheduleConfig(globalBatch, v.integer(MICRO_BATCH, Math.min(16, globalBatch)),
                v.integer(EPOCHS, v.isSet(STEPS) ? 0 : 3), steps, seed, v.longValue(EVAL_EVERY),
                v.integer(EVAL_BATCH), v.longValue(CHECKPOINT_EVERY), v.longValue(LOG_EVERY));
        run = new RunConfig(v.string(OUTPUT, defaultOutput(dataset, method, now)), v.flag(RESUME), v.string(MASTER));
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
        return this;
    }

    // ------------------------------------------------------------------ outputs

    /** Every option and its resolved value, in table order (unset optional values left out). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, DATASET, data.dataset());
        put(m, DATA_DIR, data.dataDir());
        put(m, TRAIN_FILE, data.trainFile());
        put(m, DEV_FILE, data.devFile());
        put(m, TEST_FILE, data.testFile());
        put(m, FORMAT, data.format());
        if (!data.usesRegistryDataset()) {
            put(m, TEXT_COLUMN, data.textColumn());
            put(m, TEXT_PAIR_COLUMN, data.textPairColumn());
            put(m, LABEL_COLUMN, data.labelColumn());
            put(m, LABELS, data.labels().isEmpty() ? null : data.labels());
        }
        put(m, MAX_BAD_ROWS, data.maxBadRows());
        put(m, MODEL, model.model());
        put(m, METHOD, objective.method().id());
        put(m, LAMBDA, objective.lambda());
        put(m, TAU, objective.tau());
        put(m, POOLING, model.pooling().name().toLowerCase(Locale.ROOT));
        put(m, FREEZE_EMBEDDINGS, optim.freezeEmbeddings());
        put(m, DROPOUT, model.dropout() < 0 ? null : model.dropout());
        put(m, MAX_LENGTH, model.maxLength());
        put(m, GLOBAL_BATCH, schedule.globalBatch());
        put(m, MICRO_BATCH, schedule.microBatch());
        put(m, EPOCHS, schedule.epochs() > 0 ? schedule.epochs() : null);
        put(m, STEPS, schedule.steps() > 0 ? schedule.steps() : null);
        put(m, LR, optim.lr());
        put(m, WARMUP, optim.warmup());
        put(m, WEIGHT_DECAY, optim.weightDecay());
        put(m, MAX_GRAD_NORM, optim.maxGradNorm());
        put(m, SEED, schedule.seed());
        put(m, FEW_SHOT, data.fewShot());
        put(m, FRACTION, data.fraction());
        put(m, LABEL_NOISE, data.labelNoise());
        put(m, EVAL_EVERY, schedule.evalEvery());
        put(m, EVAL_BATCH, schedule.evalBatch());
        put(m, CHECKPOINT_EVERY, schedule.checkpointEvery());
        put(m, LOG_EVERY, schedule.logEvery());
        put(m, OUTPUT, run.output());
        put(m, RESUME, run.resume());
        put(m, PARTITIONS, data.partitions());
        put(m, MASTER, run.master());
        return m;
    }

    /** The resolved config as YAML; {@code sparkcl train --config} reads it back to the same config. */
    public String toYaml() {
        return "# sparkcl train — resolved configuration\n" + YamlConfig.write(toMap());
    }

    private static void put(Map<String, Object> m, ConfigKey k, Object v) {
        if (v != null) {
            m.put(k.key(), v);
        }
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
