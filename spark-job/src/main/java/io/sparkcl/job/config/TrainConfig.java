package io.sparkcl.job.config;

import io.sparkcl.datasets.sampling.DevSplit;
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
 * The resolved configuration of {@code sparkcl train}: every option with its default applied.
 * Immutable; built with {@link #builder()} (programmatic use) or from {@link ConfigValues} (YAML file plus
 * command-line overrides). {@link #validate()} checks every value and names the option at fault.
 *
 * <p>Method-dependent defaults (the README, "Command line", says where they come from):
 * <ul>
 *   <li>dualcl: λ = 0.1, τ = 0.1 (τ as in Chen et al.'s reference code; its default weight is 0.01);</li>
 *   <li>scl: λ = 0.9, τ = 0.3 (the setting quoted as Gunel et al.'s best);</li>
 *   <li>ce: λ = 0 (no contrastive term), τ unused.</li>
 * </ul>
 */
public final class TrainConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_DATASET = "sst2";
    /** The name of user data ({@code --train-file}) when {@code --dataset} is not given. */
    public static final String USER_DATASET = "custom";
    public static final String DEFAULT_MODEL = "all-minilm-l6-v2";
    public static final String DEFAULT_METHOD = "dualcl";
    public static final int DEFAULT_GLOBAL_BATCH = 32;
    public static final int DEFAULT_MICRO_BATCH = 16;
    public static final int DEFAULT_EPOCHS = 3;
    public static final double DEFAULT_LR = 2e-5;
    public static final double DEFAULT_WARMUP = 0.1;
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    public static final double DEFAULT_MAX_GRAD_NORM = 1.0;
    public static final int DEFAULT_MAX_LENGTH = 128;
    public static final long DEFAULT_SEED = 42;
    public static final long DEFAULT_CHECKPOINT_EVERY = 100;
    public static final long DEFAULT_LOG_EVERY = 10;
    public static final int DEFAULT_EVAL_BATCH = 64;
    public static final String DEFAULT_MAX_BAD_ROWS = "0.01";
    /** Longest input the supported encoders have position embeddings for. */
    public static final int MAX_POSITIONS = 512;

    private final String dataset;
    private final String dataDir;
    private final String trainFile;
    private final String devFile;
    private final String testFile;
    private final String format;
    private final String textColumn;
    private final String textPairColumn;
    private final String labelColumn;
    private final List<String> labels;
    private final String maxBadRows;
    private final String model;
    private final String method;
    private final double lambda;
    private final double tau;
    private final String pooling;
    private final boolean freezeEmbeddings;
    private final double dropout;
    private final int maxLength;
    private final int globalBatch;
    private final int microBatch;
    private final int epochs;
    private final long steps;
    private final double lr;
    private final double warmup;
    private final double weightDecay;
    private final double maxGradNorm;
    private final long seed;
    private final int fewShot;
    private final double fraction;
    private final double labelNoise;
    private final double devFraction;
    private final int devMaxRows;
    private final long evalEvery;
    private final int evalBatch;
    private final long checkpointEvery;
    private final long logEvery;
    private final String output;
    private final boolean resume;
    private final int partitions;
    private final String master;

    private TrainConfig(ConfigValues v, LocalDateTime now) {
        trainFile = v.string(TRAIN_FILE, null);
        dataset = lower(v.string(DATASET, trainFile == null ? DEFAULT_DATASET : USER_DATASET));
        dataDir = v.string(DATA_DIR, null);
        devFile = v.string(DEV_FILE, null);
        testFile = v.string(TEST_FILE, null);
        format = lowerOrNull(v.string(FORMAT, null));
        textColumn = v.string(TEXT_COLUMN, "text");
        textPairColumn = v.string(TEXT_PAIR_COLUMN, null);
        labelColumn = v.string(LABEL_COLUMN, "label");
        labels = v.list(LABELS);
        maxBadRows = v.string(MAX_BAD_ROWS, DEFAULT_MAX_BAD_ROWS);
        model = v.string(MODEL, DEFAULT_MODEL);
        method = lower(v.string(METHOD, DEFAULT_METHOD));
        lambda = v.number(LAMBDA, defaultLambda(method));
        tau = v.number(TAU, defaultTau(method));
        pooling = lower(v.string(POOLING, "cls"));
        freezeEmbeddings = v.flag(FREEZE_EMBEDDINGS);
        dropout = v.number(DROPOUT, -1);
        maxLength = v.integer(MAX_LENGTH, DEFAULT_MAX_LENGTH);
        globalBatch = v.integer(GLOBAL_BATCH, DEFAULT_GLOBAL_BATCH);
        microBatch = v.integer(MICRO_BATCH, Math.max(1, Math.min(DEFAULT_MICRO_BATCH, globalBatch)));
        steps = v.longValue(STEPS, 0);
        // --epochs defaults only when --steps is not given; both given is reported by validate().
        epochs = v.integer(EPOCHS, v.isSet(STEPS) ? 0 : DEFAULT_EPOCHS);
        lr = v.number(LR, DEFAULT_LR);
        warmup = v.number(WARMUP, DEFAULT_WARMUP);
        weightDecay = v.number(WEIGHT_DECAY, DEFAULT_WEIGHT_DECAY);
        maxGradNorm = v.number(MAX_GRAD_NORM, DEFAULT_MAX_GRAD_NORM);
        seed = v.longValue(SEED, DEFAULT_SEED);
        fewShot = v.integer(FEW_SHOT, 0);
        fraction = v.number(FRACTION, 1.0);
        labelNoise = v.number(LABEL_NOISE, 0);
        devFraction = v.number(DEV_FRACTION, DevSplit.DEFAULT_FRACTION);
        devMaxRows = v.integer(DEV_MAX_ROWS, DevSplit.DEFAULT_MAX_ROWS);
        evalEvery = v.longValue(EVAL_EVERY, 0);
        evalBatch = v.integer(EVAL_BATCH, DEFAULT_EVAL_BATCH);
        checkpointEvery = v.longValue(CHECKPOINT_EVERY, DEFAULT_CHECKPOINT_EVERY);
        logEvery = v.longValue(LOG_EVERY, DEFAULT_LOG_EVERY);
        resume = v.flag(RESUME);
        output = v.string(OUTPUT, defaultOutput(dataset, method, now));
        partitions = v.integer(PARTITIONS, 0);
        master = v.string(MASTER, null);
    }

    /** Resolves {@code values} (YAML file overridden by the command line) into a config; no validation. */
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

    public static double defaultLambda(String method) {
        return switch (method) {
            case "scl" -> 0.9;
            case "ce" -> 0.0;
            default -> 0.1;
        };
    }

    public static double defaultTau(String method) {
        return "scl".equals(method) ? 0.3 : 0.1;
    }

    static String defaultOutput(String dataset, String method, LocalDateTime now) {
        return "runs/" + dataset + "-" + method + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    // ------------------------------------------------------------------ validation

    /** Checks every value against the dataset registry and the Hadoop configuration of this JVM. */
    public TrainConfig validate() {
        return validate(DatasetCatalog.registry(), new Configuration());
    }

    /**
     * Checks every value; throws {@link ConfigException} naming the first bad option. Also creates the run
     * folder and checks it is writable (through Hadoop's FileSystem), so it must run before any Spark work.
     */
    public TrainConfig validate(DatasetCatalog catalog, Configuration hadoopConf) {
        validateValues(catalog);
        OutputFolderCheck.checkWritableFolder(OUTPUT.optionName(), output, true, resume, hadoopConf);
        return this;
    }

    /** The checks that need no file system. */
    public TrainConfig validateValues(DatasetCatalog catalog) {
        Checks.oneOf(METHOD, method, "ce", "scl", "dualcl");
        Checks.oneOf(POOLING, pooling, "cls", "mean");
        if (trainFile == null) {
            if (!catalog.contains(dataset)) {
                throw new ConfigException(DATASET, "unknown dataset '" + dataset + "'; registry datasets are "
                        + String.join(", ", catalog.names()) + " (or give your own data with --train-file)");
            }
            for (ConfigKey k : List.of(DEV_FILE, TEST_FILE)) {
                if ((k == DEV_FILE ? devFile : testFile) != null) {
                    throw new ConfigException(k, "only used together with --train-file");
                }
            }
        } else {
            Checks.notBlank(TEXT_COLUMN, textColumn);
            Checks.notBlank(LABEL_COLUMN, labelColumn);
            if (labels.size() == 1) {
                throw new ConfigException(LABELS, "a classification task needs at least 2 labels, got " + labels);
            }
            if (labels.stream().distinct().count() != labels.size()) {
                throw new ConfigException(LABELS, "labels must be distinct, got " + labels);
            }
        }
        if (format != null) {
            Checks.oneOf(FORMAT, format, "json", "jsonl", "csv", "tsv", "parquet");
        }
        Checks.badRows(maxBadRows);
        Checks.notBlank(MODEL, model);
        Checks.inClosed(LAMBDA, lambda, 0, 1);
        Checks.positive(TAU, tau);
        if (dropout != -1 && !(dropout >= 0 && dropout < 1)) {
            throw new ConfigException(DROPOUT, "must be in [0,1), got " + dropout);
        }
        Checks.range(MAX_LENGTH, maxLength, 8, MAX_POSITIONS);
        Checks.atLeast(GLOBAL_BATCH, globalBatch, method.equals("ce") ? 1 : 2,
                method.equals("ce") ? "" : " (a contrastive term needs at least 2 rows)");
        Checks.atLeast(MICRO_BATCH, microBatch, 1, "");
        if (microBatch > globalBatch) {
            throw new ConfigException(MICRO_BATCH, microBatch + " is larger than --global-batch " + globalBatch);
        }
        if (epochs > 0 && steps > 0) {
            throw new ConfigException(STEPS, "give --epochs or --steps, not both (got --epochs " + epochs
                    + " and --steps " + steps + ")");
        }
        if (epochs <= 0 && steps <= 0) {
            throw new ConfigException(epochs < 0 || steps == 0 ? EPOCHS : STEPS,
                    "must be at least 1 (got --epochs " + epochs + ", --steps " + steps + ")");
        }
        Checks.positive(LR, lr);
        Checks.nonNegative(WARMUP, warmup);
        Checks.nonNegative(WEIGHT_DECAY, weightDecay);
        Checks.nonNegative(MAX_GRAD_NORM, maxGradNorm);
        Checks.atLeast(FEW_SHOT, fewShot, 0, "");
        if (!(fraction > 0 && fraction <= 1)) {
            throw new ConfigException(FRACTION, "must be in (0,1], got " + fraction);
        }
        if (fewShot > 0 && fraction < 1) {
            throw new ConfigException(FRACTION, "give --few-shot or --fraction, not both");
        }
        if (!(labelNoise >= 0 && labelNoise < 1)) {
            throw new ConfigException(LABEL_NOISE, "must be in [0,1), got " + labelNoise);
        }
        if (!(devFraction >= 0 && devFraction < 1)) {
            throw new ConfigException(DEV_FRACTION, "must be in [0,1), got " + devFraction);
        }
        Checks.atLeast(DEV_MAX_ROWS, devMaxRows, 1, "");
        Checks.atLeast(EVAL_EVERY, evalEvery, 0, "");
        Checks.atLeast(EVAL_BATCH, evalBatch, 1, "");
        Checks.atLeast(CHECKPOINT_EVERY, checkpointEvery, 0, "");
        Checks.atLeast(LOG_EVERY, logEvery, 1, "");
        Checks.atLeast(PARTITIONS, partitions, 0, "");
        Checks.notBlank(OUTPUT, output);
        if (master != null) {
            Checks.notBlank(MASTER, master);
        }
        return this;
    }

    // ------------------------------------------------------------------ outputs

    /** Every option and its resolved value, in table order (unset optional values left out). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, DATASET, dataset);
        put(m, DATA_DIR, dataDir);
        put(m, TRAIN_FILE, trainFile);
        put(m, DEV_FILE, devFile);
        put(m, TEST_FILE, testFile);
        put(m, FORMAT, format);
        if (trainFile != null) {
            put(m, TEXT_COLUMN, textColumn);
            put(m, TEXT_PAIR_COLUMN, textPairColumn);
            put(m, LABEL_COLUMN, labelColumn);
            put(m, LABELS, labels.isEmpty() ? null : labels);
        }
        put(m, MAX_BAD_ROWS, maxBadRows);
        put(m, MODEL, model);
        put(m, METHOD, method);
        put(m, LAMBDA, lambda);
        put(m, TAU, tau);
        put(m, POOLING, pooling);
        put(m, FREEZE_EMBEDDINGS, freezeEmbeddings);
        put(m, DROPOUT, dropout < 0 ? null : dropout);
        put(m, MAX_LENGTH, maxLength);
        put(m, GLOBAL_BATCH, globalBatch);
        put(m, MICRO_BATCH, microBatch);
        put(m, EPOCHS, epochs > 0 ? epochs : null);
        put(m, STEPS, steps > 0 ? steps : null);
        put(m, LR, lr);
        put(m, WARMUP, warmup);
        put(m, WEIGHT_DECAY, weightDecay);
        put(m, MAX_GRAD_NORM, maxGradNorm);
        put(m, SEED, seed);
        put(m, FEW_SHOT, fewShot);
        put(m, FRACTION, fraction);
        put(m, LABEL_NOISE, labelNoise);
        put(m, DEV_FRACTION, devFraction);
        put(m, DEV_MAX_ROWS, devMaxRows);
        put(m, EVAL_EVERY, evalEvery);
        put(m, EVAL_BATCH, evalBatch);
        put(m, CHECKPOINT_EVERY, checkpointEvery);
        put(m, LOG_EVERY, logEvery);
        put(m, OUTPUT, output);
        put(m, RESUME, resume);
        put(m, PARTITIONS, partitions);
        put(m, MASTER, master);
        return m;
    }

    /** The resolved config as YAML; {@code sparkcl train --config} reads it back to the same config. */
    public String toYaml() {
        return "# sparkcl train — resolved configuration\n" + YamlConfig.write(toMap());
    }

    /**
     * Options of the datasets module's generic reader for user files (empty for registry datasets); keys are
     * the option names ({@code train-file}, {@code format}, {@code text-column}, {@code labels} comma-joined, …).
     */
    public Map<String, String> readerOptions() {
        Map<String, String> m = new LinkedHashMap<>();
        if (trainFile == null) {
            return m;
        }
        putStr(m, TRAIN_FILE, trainFile);
        putStr(m, DEV_FILE, devFile);
        putStr(m, TEST_FILE, testFile);
        putStr(m, FORMAT, format);
        putStr(m, TEXT_COLUMN, textColumn);
        putStr(m, TEXT_PAIR_COLUMN, textPairColumn);
        putStr(m, LABEL_COLUMN, labelColumn);
        putStr(m, LABELS, labels.isEmpty() ? null : String.join(",", labels));
        return m;
    }

    private static void put(Map<String, Object> m, ConfigKey k, Object v) {
        if (v != null) {
            m.put(k.key(), v);
        }
    }

    private static void putStr(Map<String, String> m, ConfigKey k, String v) {
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

    // ------------------------------------------------------------------ accessors

    public String dataset() { return dataset; }
    public String dataDir() { return dataDir; }
    public String trainFile() { return trainFile; }
    public String devFile() { return devFile; }
    public String testFile() { return testFile; }
    /** True when the data comes from the registry ({@code --dataset}), false for user files. */
    public boolean usesRegistryDataset() { return trainFile == null; }
    public String format() { return format; }
    public String textColumn() { return textColumn; }
    public String textPairColumn() { return textPairColumn; }
    public String labelColumn() { return labelColumn; }
    /** Label order given with {@code --labels}; empty = the reader's default. */
    public List<String> labels() { return labels; }
    public String maxBadRows() { return maxBadRows; }
    public String model() { return model; }
    public String method() { return method; }
    public double lambda() { return lambda; }
    public double tau() { return tau; }
    public String pooling() { return pooling; }
    public boolean freezeEmbeddings() { return freezeEmbeddings; }
    /** Dropout probability; negative = the model's own. */
    public double dropout() { return dropout; }
    public int maxLength() { return maxLength; }
    public int globalBatch() { return globalBatch; }
    public int microBatch() { return microBatch; }
    /** Epochs; 0 when {@link #steps()} is used. */
    public int epochs() { return epochs; }
    /** Total steps; 0 when {@link #epochs()} is used. */
    public long steps() { return steps; }
    public double lr() { return lr; }
    public double warmup() { return warmup; }
    public double weightDecay() { return weightDecay; }
    public double maxGradNorm() { return maxGradNorm; }
    public long seed() { return seed; }
    public int fewShot() { return fewShot; }
    /** Stratified fraction of the training split; 1 = all. */
    public double fraction() { return fraction; }
    public double labelNoise() { return labelNoise; }
    /** How a dev split is carved from the training rows when the dataset has none. */
    public DevSplit devSplit() { return new DevSplit(devFraction, devMaxRows); }
    public long evalEvery() { return evalEvery; }
    public int evalBatch() { return evalBatch; }
    public long checkpointEvery() { return checkpointEvery; }
    public long logEvery() { return logEvery; }
    public String output() { return output; }
    public boolean resume() { return resume; }
    public int partitions() { return partitions; }
    /** Spark master; null = the launcher's / spark-submit's, else {@code local[*]}. */
    public String master() { return master; }

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

        /** Resolves defaults; call {@link TrainConfig#validate()} to check the values. */
        public TrainConfig build() {
            return TrainConfig.from(values);
        }
    }
}
