package io.sparkcl.job.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one table of configuration options. The command line ({@code --global-batch 64}), the YAML file
 * ({@code global-batch: 64}), {@code --help} and the README are all generated from it, so an option
 * cannot exist in one place and be missing in another.
 */
public enum ConfigKey {
    // ---- data
    DATASET("dataset", ValueType.STRING, "NAME", "sst2",
            "Registry dataset (see `sparkcl datasets list`); with --train-file it only names your data in reports.",
            Scope.ALL),
    DATA_DIR("data-dir", ValueType.STRING, "PATH", "$SPARKCL_DATA_DIR, else ~/.cache/sparkcl/data",
            "Data root (Hadoop path) where registry datasets are read from and downloaded to.", Scope.ALL),
    TRAIN_FILE("train-file", ValueType.STRING, "PATH", null,
            "Your own training data (JSON lines, JSON array, CSV/TSV with header, Parquet) instead of a registry dataset.",
            Scope.TRAIN_ONLY),
    DEV_FILE("dev-file", ValueType.STRING, "PATH", null, "Your own dev split (a file in any reader format, with labels).",
            Scope.TRAIN_EVAL),
    TEST_FILE("test-file", ValueType.STRING, "PATH", null, "Your own test split (a file in any reader format, with labels).",
            Scope.TRAIN_EVAL),
    INPUT("input", ValueType.STRING, "PATH", null,
            "File to predict on (any reader format; labels not needed) instead of a dataset split.",
            EnumSet.of(Scope.PREDICT)),
    SPLIT("split", ValueType.STRING, "NAME", "test",
            "Split of --dataset to evaluate or predict on (train, dev, test, …).",
            EnumSet.of(Scope.EVALUATE, Scope.PREDICT)),
    FORMAT("format", ValueType.STRING, "FMT", "from the file extension",
            "Format of your files: json, jsonl, csv, tsv or parquet.", Scope.ALL),
    TEXT_COLUMN("text-column", ValueType.STRING, "COL", "text", "Column holding the text in your files.", Scope.ALL),
    TEXT_PAIR_COLUMN("text-pair-column", ValueType.STRING, "COL", null,
            "Column holding the second text of sentence-pair tasks.", Scope.ALL),
    LABEL_COLUMN("label-column", ValueType.STRING, "COL", "label", "Column holding the label in your files.",
            Scope.TRAIN_EVAL),
    LABELS("labels", ValueType.LIST, "L1,L2,…", "sorted distinct labels of the training file",
            "Label names in a fixed order (the class ids); DualCL puts these words in front of every text.",
            Scope.TRAIN_EVAL),
    MAX_BAD_ROWS("max-bad-rows", ValueType.STRING, "N|F", "0.01",
            "Bad rows allowed before the job fails: a count (100) or a fraction of the rows (0.01 or 1%). "
                    + "Bad rows always go to the quarantine folder.", Scope.ALL),

    // ---- model and objective
    MODEL("model", ValueType.STRING, "NAME|DIR", "all-minilm-l6-v2",
            "Train: registry model (tiny-random, all-minilm-l6-v2, bge-small-en-v1.5, e5-small-v2) or a HuggingFace "
                    + "folder. Evaluate/predict: a fine-tuned model folder (RUN/model).", Scope.ALL),
    METHOD("method", ValueType.STRING, "ce|scl|dualcl", "dualcl",
            "Objective: cross-entropy, CE + supervised contrastive (Gunel et al.), or dual contrastive (Chen et al.).",
            Scope.TRAIN_ONLY),
    LAMBDA("lambda", ValueType.DOUBLE, "λ", "0.1 for dualcl, 0.9 for scl",
            "Weight of the contrastive term, in [0,1]: dualcl CE + λ(Lz+Lθ); scl (1-λ)CE + λ·Lscl.",
            Scope.TRAIN_ONLY),
    TAU("tau", ValueType.DOUBLE, "τ", "0.1 for dualcl, 0.3 for scl", "Temperature of the contrastive term (> 0).",
            Scope.TRAIN_ONLY),
    POOLING("pooling", ValueType.STRING, "cls|mean", "cls",
            "Sentence feature: the [CLS] token (the papers) or the mean over tokens.", Scope.TRAIN_ONLY),
    FREEZE_EMBEDDINGS("freeze-embeddings", ValueType.BOOLEAN, null, "false",
            "Keep the word-embedding matrix fixed (fewer gradients to synchronise).", Scope.TRAIN_ONLY),
    DROPOUT("dropout", ValueType.DOUBLE, "P", "the model's own (0.1)",
            "Hidden and attention dropout probability, in [0,1).", Scope.TRAIN_ONLY),
    MAX_LENGTH("max-length", ValueType.INT, "N", "128",
            "Maximum tokens per input (label words included for dualcl); longer inputs are truncated and counted.",
            Scope.ALL),

    // ---- optimisation
    GLOBAL_BATCH("global-batch", ValueType.INT, "B", "32",
            "Rows per optimizer step over all executors; the contrastive term sees the whole global batch.",
            Scope.TRAIN_ONLY),
    MICRO_BATCH("micro-batch", ValueType.INT, "M", "min(16, global batch)",
            "Rows per forward/backward pass on an executor (bounds memory); at most --global-batch.",
            Scope.TRAIN_ONLY),
    EPOCHS("epochs", ValueType.INT, "N", "3", "Passes over the training data (give this or --steps, not both).",
            Scope.TRAIN_ONLY),
    STEPS("steps", ValueType.LONG, "N", null, "Total optimizer steps (instead of --epochs).", Scope.TRAIN_ONLY),
    LR("lr", ValueType.DOUBLE, "LR", "2e-5", "Peak learning rate of AdamW.", Scope.TRAIN_ONLY),
    WARMUP("warmup", ValueType.DOUBLE, "W", "0.1",
            "Linear warm-up: a fraction of the steps if < 1, else a number of steps; then linear decay to 0.",
            Scope.TRAIN_ONLY),
    WEIGHT_DECAY("weight-decay", ValueType.DOUBLE, "WD", "0.01",
            "AdamW weight decay (not applied to biases and LayerNorm).", Scope.TRAIN_ONLY),
    MAX_GRAD_NORM("max-grad-norm", ValueType.DOUBLE, "N", "1.0",
            "Clip the global gradient norm to this value (0 = no clipping).", Scope.TRAIN_ONLY),
    SEED("seed", ValueType.LONG, "S", "42",
            "Seed of initialisation, data order, sampling, label noise and dropout.", Scope.TRAIN_ONLY),

    // ---- sampling
    FEW_SHOT("few-shot", ValueType.INT, "N", "0 (all)", "Train on N examples per class (seeded).",
            Scope.TRAIN_ONLY),
    FRACTION("fraction", ValueType.DOUBLE, "F", "1 (all)",
            "Train on a per-class stratified fraction of the training split, in (0,1].", Scope.TRAIN_ONLY),
    LABEL_NOISE("label-noise", ValueType.DOUBLE, "P", "0",
            "Flip this fraction of training labels uniformly to another class (robustness experiments), in [0,1).",
            Scope.TRAIN_ONLY),
    DEV_FRACTION("dev-fraction", ValueType.DOUBLE, "F", "0.1",
            "Model selection split when the dataset has no dev split of its own (or reports on its dev split "
                    + "because its test labels are hidden): carve this seeded, stratified share of the training rows, "
                    + "in [0,1); 0 = no selection (the final model is kept). The test split is never used to choose.",
            Scope.TRAIN_ONLY),
    DEV_MAX_ROWS("dev-max-rows", ValueType.INT, "N", "1000", "At most this many training rows are carved as the dev split.",
            Scope.TRAIN_ONLY),

    // ---- run control and outputs
    EVAL_EVERY("eval-every", ValueType.LONG, "N", "0 (end of each epoch)",
            "Evaluate on dev/test every N steps.", Scope.TRAIN_ONLY),
    EVAL_BATCH("eval-batch", ValueType.INT, "N", "64", "Rows per inference pass during evaluation and prediction.",
            Scope.ALL),
    CHECKPOINT_EVERY("checkpoint-every", ValueType.LONG, "N", "100",
            "Write the resumable checkpoint every N steps (0 = only at the end).", Scope.TRAIN_ONLY),
    LOG_EVERY("log-every", ValueType.LONG, "N", "10", "Progress line (loss, sequences/s, ETA) every N steps.",
            Scope.TRAIN_ONLY),
    OUTPUT("output", ValueType.STRING, "PATH", "runs/DATASET-METHOD-TIMESTAMP (train)",
            "Train: the run folder (Hadoop path). Evaluate: where to write the results JSON (optional). "
                    + "Predict: where to write the predictions (required).", Scope.ALL),
    OUTPUT_FORMAT("output-format", ValueType.STRING, "parquet|csv", "parquet", "Format of the predictions.",
            EnumSet.of(Scope.PREDICT)),
    RESUME("resume", ValueType.BOOLEAN, null, "false",
            "Continue the run in --output from its last checkpoint.", Scope.TRAIN_ONLY),
    PARTITIONS("partitions", ValueType.INT, "N", "0 (Spark's default parallelism)",
            "Partitions of the cached training and evaluation rows.", Scope.ALL),
    MASTER("master", ValueType.STRING, "URL", "local[*]",
            "Spark master (local[*], spark://host:7077, yarn, k8s://…); the launcher then uses spark-submit.",
            Scope.ALL);

    /** Which subcommand an option belongs to. */
    public enum Scope {
        TRAIN, EVALUATE, PREDICT;

        static final Set<Scope> ALL = EnumSet.allOf(Scope.class);
        static final Set<Scope> TRAIN_ONLY = EnumSet.of(TRAIN);
        static final Set<Scope> TRAIN_EVAL = EnumSet.of(TRAIN, EVALUATE);
    }

    private final String key;
    private final ValueType type;
    private final String paramLabel;
    private final String defaultText;
    private final String help;
    private final Set<Scope> scopes;

    ConfigKey(String key, ValueType type, String paramLabel, String defaultText, String help, Set<Scope> scopes) {
        this.key = key;
        this.type = type;
        this.paramLabel = paramLabel;
        this.defaultText = defaultText;
        this.help = help;
        this.scopes = scopes;
    }

    /** The name without dashes, as used in YAML files. */
    public String key() {
        return key;
    }

    /** The command-line spelling, e.g. {@code --global-batch}. */
    public String optionName() {
        return "--" + key;
    }

    public ValueType type() {
        return type;
    }

    /** Placeholder shown in help ({@code null} for flags). */
    public String paramLabel() {
        return paramLabel;
    }

    /** The default as shown to users ({@code null}: none). */
    public String defaultText() {
        return defaultText;
    }

    public String help() {
        return help;
    }

    public boolean appliesTo(Scope scope) {
        return scopes.contains(scope);
    }

    public static Optional<ConfigKey> byKey(String name) {
        String k = name.startsWith("--") ? name.substring(2) : name;
        k = k.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ConfigKey c : values()) {
            if (c.key.equals(k)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
