package io.sparkcl.job.config;

import io.sparkcl.datasets.sampling.DevSplit;
import io.sparkcl.model.encoder.Pooling;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one table of configuration options. The command line ({@code --global-batch 64}), the YAML file
 * ({@code global-batch: 64}), {@code --help} and the README are all generated from it, so an option
 * cannot exist in one place and be missing in another. Each option carries its typed default and its
 * value check ({@link Rule}), as Spark ML's {@code Param}s do; {@link ConfigValues#checkEach()} applies them.
 */
public enum ConfigKey {
    // ---- data
    DATASET("dataset", ValueType.STRING, "NAME",
            "Registry dataset (see `sparkcl datasets list`); with --train-file it only names your data in reports.",
            Scope.ALL,
            "sst2", null),
    DATA_DIR("data-dir", ValueType.STRING, "PATH", "$SPARKCL_DATA_DIR, else ~/.cache/sparkcl/data",
            "Data root (Hadoop path) where registry datasets are read from and downloaded to.", Scope.ALL,
            null, null, OnResume.MAY_CHANGE),
    TRAIN_FILE("train-file", ValueType.STRING, "PATH", null,
            "Your own training data (JSON lines, JSON array, CSV/TSV with header, Parquet) instead of a registry dataset.",
            Scope.TRAIN_ONLY,
            null, null),
    DEV_FILE("dev-file", ValueType.STRING, "PATH", null, "Your own dev split (a file in any reader format, with labels).",
            Scope.TRAIN_EVAL,
            null, null),
    TEST_FILE("test-file", ValueType.STRING, "PATH", null, "Your own test split (a file in any reader format, with labels).",
            Scope.TRAIN_EVAL,
            null, null),
    INPUT("input", ValueType.STRING, "PATH", null,
            "File to predict on (any reader format; labels not needed) instead of a dataset split.",
            EnumSet.of(Scope.PREDICT),
            null, null),
    SPLIT("split", ValueType.STRING, "NAME",
            "Split of --dataset to evaluate or predict on (train, dev, test, …).",
            EnumSet.of(Scope.EVALUATE, Scope.PREDICT),
            "test", Checks.notBlank()),
    FORMAT("format", ValueType.STRING, "FMT", "from the file extension",
            "Format of your files: json, jsonl, csv, tsv or parquet.", Scope.ALL,
            null, Checks.oneOf("json", "jsonl", "csv", "tsv", "parquet")),
    TEXT_COLUMN("text-column", ValueType.STRING, "COL", "Column holding the text in your files.", Scope.ALL,
            "text", Checks.notBlank()),
    TEXT_PAIR_COLUMN("text-pair-column", ValueType.STRING, "COL", null,
            "Column holding the second text of sentence-pair tasks.", Scope.ALL,
            null, null),
    LABEL_COLUMN("label-column", ValueType.STRING, "COL", "Column holding the label in your files.",
            Scope.TRAIN_EVAL,
            "label", Checks.notBlank()),
    ID_COLUMN("id-column", ValueType.STRING, "COL", "id, when the input has that column",
            "Column of --input holding your own row ids, kept as the predictions' id column. The ids must be unique: "
                    + "a repeated id is quarantined. Rows without one get DATASET:SPLIT:ROW.",
            EnumSet.of(Scope.PREDICT),
            null, null),
    LABELS("labels", ValueType.LIST, "L1,L2,…", "sorted distinct labels of the training file",
            "Label names in a fixed order (the class ids); DualCL puts these words in front of every text.",
            Scope.TRAIN_EVAL,
            null, Checks.labelList()),
    MAX_BAD_ROWS("max-bad-rows", ValueType.STRING, "N|F",
            "Bad rows allowed before the job fails: a count (100) or a fraction of the rows (0.01 or 1%). "
                    + "Bad rows always go to the quarantine folder.", Scope.ALL,
            "0.01", Checks.badRows(), OnResume.MAY_CHANGE),

    // ---- model and objective
    MODEL("model", ValueType.STRING, "NAME|DIR",
            "Train: registry model (tiny-random, all-minilm-l6-v2, bge-small-en-v1.5, e5-small-v2) or a HuggingFace "
                    + "folder. Evaluate/predict: a fine-tuned model folder (RUN/model).",
            EnumSet.of(Scope.TRAIN, Scope.EVALUATE, Scope.PREDICT),
            "all-minilm-l6-v2", Checks.notBlank()),
    METHOD("method", ValueType.STRING, "ce|scl|dualcl",
            "Objective: cross-entropy, CE + supervised contrastive (Gunel et al.), or dual contrastive (Chen et al.).",
            Scope.TRAIN_ONLY,
            "dualcl", Checks.method()),
    LAMBDA("lambda", ValueType.DOUBLE, "λ", "0.5 for dualcl, 0.9 for scl",
            "Weight of the contrastive term, in [0,1]: dualcl CE + λ(Lz+Lθ); scl (1-λ)CE + λ·Lscl.",
            Scope.TRAIN_ONLY,
            null, Checks.inClosed(0, 1)),
    TAU("tau", ValueType.DOUBLE, "τ", "0.1 for dualcl, 0.3 for scl", "Temperature of the contrastive term (> 0).",
            Scope.TRAIN_ONLY,
            null, Checks.positive()),
    POOLING("pooling", ValueType.STRING, "cls|mean",
            "the model's own: mean for all-minilm-l6-v2 and e5-small-v2, else cls",
            "Sentence feature: the [CLS] token (the papers) or the mean over tokens (what MiniLM and e5 were "
                    + "trained with). For dualcl it is z of the logits z·θ.", Scope.TRAIN_ONLY,
            null, Checks.oneOf(Pooling.values(), Pooling::id)),
    LABEL_ORDER("label-order", ValueType.STRING, "shuffled|fixed",
            "DualCL training inputs: the label names in front of each text in an order shuffled per example and "
                    + "epoch, or always in the dataset's label order (as the reference code's current version). "
                    + "Evaluation always uses the dataset's order.", Scope.TRAIN_ONLY,
            LabelOrder.SHUFFLED.id(), Checks.oneOf(LabelOrder.values(), LabelOrder::id)),
    FREEZE_EMBEDDINGS("freeze-embeddings",
            "Keep the word-embedding matrix fixed (fewer gradients to synchronise).", Scope.TRAIN_ONLY),
    DROPOUT("dropout", ValueType.DOUBLE, "P", "the model's own (0.1)",
            "Hidden and attention dropout probability, in [0,1).", Scope.TRAIN_ONLY,
            null, Checks.probability()),
    MAX_LENGTH("max-length", ValueType.INT, "N",
            "Maximum tokens per input (label words included for dualcl); longer inputs are truncated and counted.",
            Scope.ALL,
            128, Checks.range(8, Checks.MAX_POSITIONS)),

    // ---- optimisation
    GLOBAL_BATCH("global-batch", ValueType.INT, "B",
            "Rows per optimizer step over all executors; the contrastive term sees the whole global batch.",
            Scope.TRAIN_ONLY,
            32, Checks.atLeast(1)),
    MICRO_BATCH("micro-batch", ValueType.INT, "M", "min(16, global batch)",
            "Rows per forward/backward pass on an executor (bounds memory); at most --global-batch.",
            Scope.TRAIN_ONLY,
            null, Checks.atLeast(1)),
    KEPT_MICRO_BATCHES("kept-micro-batches", ValueType.INT, "K", "1",
            "Exact mode, scl/dualcl: a task's last micro-batches whose pass-1 activations stay on the executor for"
                    + " pass 2 instead of being recomputed; each beyond the first costs one more micro-batch of"
                    + " activation memory (0 = recompute all).",
            Scope.TRAIN_ONLY,
            1, Checks.atLeast(0), OnResume.MAY_CHANGE),
    EPOCHS("epochs", ValueType.INT, "N", "3", "Passes over the training data (give this or --steps, not both).",
            Scope.TRAIN_ONLY,
            null, Checks.atLeast(1), OnResume.MAY_CHANGE),
    STEPS("steps", ValueType.LONG, "N", null, "Total optimizer steps (instead of --epochs).", Scope.TRAIN_ONLY,
            null, Checks.atLeast(1), OnResume.MAY_CHANGE),
    LR("lr", ValueType.DOUBLE, "LR", "2e-5", "Peak learning rate of AdamW.", Scope.TRAIN_ONLY,
            2e-5, Checks.positive()),
    WARMUP("warmup", ValueType.DOUBLE, "W",
            "Linear warm-up: a fraction of the steps if < 1, else a number of steps; then linear decay to 0.",
            Scope.TRAIN_ONLY,
            0.1, Checks.nonNegative()),
    LR_SCHEDULE("lr-schedule", ValueType.STRING, "linear|constant",
            "Learning-rate schedule: linear (warm-up over --warmup, then linear decay to 0) or constant (the peak "
                    + "rate at every step, no warm-up or decay, as the DualCL reference code).", Scope.TRAIN_ONLY,
            "linear", Checks.oneOf("linear", "constant")),
    WEIGHT_DECAY("weight-decay", ValueType.DOUBLE, "WD",
            "AdamW weight decay (not applied to biases and LayerNorm).", Scope.TRAIN_ONLY,
            0.01, Checks.nonNegative()),
    MAX_GRAD_NORM("max-grad-norm", ValueType.DOUBLE, "N",
            "Clip the global gradient norm to this value (0 = no clipping).", Scope.TRAIN_ONLY,
            1.0, Checks.nonNegative()),
    SEED("seed", ValueType.LONG, "S",
            "Seed of initialisation, data order, sampling, label noise and dropout.", Scope.TRAIN_ONLY,
            42L, null),

    // ---- training mode (see spark-job/README-shared.md)
    MODE("mode", ValueType.STRING, "exact|shared",
            "exact: synchronous global-batch steps (every negative, independent of the executors); shared "
                    + "(experimental, see spark-job/README-shared.md): DL4J's asynchronous parameter server (each "
                    + "executor trains on --global-batch / executors rows, its own negatives only, whole epochs).",
            Scope.TRAIN_ONLY,
            "exact", Checks.oneOf("exact", "shared")),
    PS_PORT("ps-port", ValueType.INT, "PORT", "Shared mode: UDP port of the parameter server on the driver;"
            + " executors use the next free ports above it.", Scope.TRAIN_ONLY, 40311, Checks.range(1024, 65335)),
    PS_NETWORK("ps-network", ValueType.STRING, "CIDR", "the driver's network (127.0.0.0/8 on loopback)", "Shared mode:"
            + " the executors' network (e.g. 10.0.0.0/16); each executor binds to its address in it.", Scope.TRAIN_ONLY,
            null, Checks.ipv4Cidr()),
    PS_THRESHOLD("ps-threshold", ValueType.DOUBLE, "T", "the learning rate (--lr)",
            "Shared mode: initial threshold of the encoded updates, > 0 (DL4J adapts it; each step moves a weight by at "
                    + "most about this much, as Adam moves it by about the learning rate).", Scope.TRAIN_ONLY,
            null, Checks.positive()),

    // ---- sampling
    FEW_SHOT("few-shot", ValueType.INT, "N", "0 (all)", "Train on N examples per class (seeded).",
            Scope.TRAIN_ONLY,
            0, Checks.atLeast(0)),
    FRACTION("fraction", ValueType.DOUBLE, "F", "1 (all)",
            "Train on a per-class stratified fraction of the training split, in (0,1].", Scope.TRAIN_ONLY,
            1.0, Checks.fraction()),
    LABEL_NOISE("label-noise", ValueType.DOUBLE, "P", "0",
            "Flip this fraction of training labels uniformly to another class (robustness experiments), in [0,1).",
            Scope.TRAIN_ONLY,
            0.0, Checks.probability()),
    DEV_FRACTION("dev-fraction", ValueType.DOUBLE, "F",
            "Model selection split when the dataset has no dev split of its own (or reports on its dev split "
                    + "because its test labels are hidden): carve this seeded, stratified share of the training rows, "
                    + "in [0,1); 0 = no selection (the final model is kept). The test split is never used to choose.",
            Scope.TRAIN_ONLY,
            DevSplit.DEFAULT_FRACTION, Checks.probability()),
    DEV_MAX_ROWS("dev-max-rows", ValueType.INT, "N", "At most this many training rows are carved as the dev split.",
            Scope.TRAIN_ONLY,
            DevSplit.DEFAULT_MAX_ROWS, Checks.atLeast(1)),

    // ---- run control and outputs
    EVAL_EVERY("eval-every", ValueType.LONG, "N", "0 (end of each epoch)",
            "Evaluate on dev/test every N steps.", Scope.TRAIN_ONLY,
            0L, Checks.atLeast(0), OnResume.MAY_CHANGE),
    EVAL_BATCH("eval-batch", ValueType.INT, "N", "Rows per inference pass during evaluation and prediction.",
            Scope.ALL,
            64, Checks.atLeast(1), OnResume.MAY_CHANGE),
    CHECKPOINT_EVERY("checkpoint-every", ValueType.LONG, "N",
            "Write the resumable checkpoint every N steps (0 = only at the end).", Scope.TRAIN_ONLY,
            100L, Checks.atLeast(0), OnResume.MAY_CHANGE),
    LOG_EVERY("log-every", ValueType.LONG, "N", "Progress line (loss, sequences/s, ETA) every N steps.",
            Scope.TRAIN_ONLY,
            10L, Checks.atLeast(1), OnResume.MAY_CHANGE),
    SAVE_TOTAL_LIMIT("save-total-limit", ValueType.INT, "N",
            "Resumable checkpoints kept (newest first; older ones are the fallback when the newest is damaged). "
                    + "Each holds parameters and optimizer state, 3x the model's size.", Scope.TRAIN_ONLY,
            1, Checks.atLeast(1), OnResume.MAY_CHANGE),
    OUTPUT("output", ValueType.STRING, "PATH", "runs/DATASET-METHOD-TIMESTAMP (train)",
            "Train: the run folder (Hadoop path). Evaluate: where to write the results JSON (optional). "
                    + "Predict: where to write the predictions (required). Promote: where to write promotion.json "
                    + "(optional).", Scope.ALL,
            null, Checks.notBlank(), OnResume.MAY_CHANGE),
    OUTPUT_FORMAT("output-format", ValueType.STRING, "parquet|csv", "Format of the predictions.",
            EnumSet.of(Scope.PREDICT),
            "parquet", Checks.oneOf("parquet", "csv")),
    RESUME("resume", "Continue the run in --output from its last checkpoint.", Scope.TRAIN_ONLY,
            OnResume.MAY_CHANGE),
    PARTITIONS("partitions", ValueType.INT, "N", "0 (Spark's default parallelism)",
            "Partitions of the cached training and evaluation rows.", Scope.ALL,
            0, Checks.atLeast(0), OnResume.MAY_CHANGE),
    MASTER("master", ValueType.STRING, "URL", "local[*]",
            "Spark master (local[*], spark://host:7077, yarn, k8s://…); the launcher then uses spark-submit.",
            Scope.ALL,
            null, Checks.notBlank(), OnResume.MAY_CHANGE),

    // ---- promotion of a retrained model
    CANDIDATE("candidate", ValueType.STRING, "DIR", null,
            "The new model: a run folder (its model/) or a model folder.", EnumSet.of(Scope.PROMOTE),
            null, Checks.notBlank()),
    CURRENT("current", ValueType.STRING, "DIR", null,
            "The model in service (a model folder); replaced by the candidate when it is promoted, the old one kept "
                    + "as DIR.previous. Missing: the candidate becomes the first model.", EnumSet.of(Scope.PROMOTE),
            null, Checks.notBlank()),
    MARGIN("margin", ValueType.DOUBLE, "M", "0",
            "Promote only if the candidate's dev metric exceeds the current model's by more than M (>= 0).",
            EnumSet.of(Scope.PROMOTE),
            0.0, Checks.nonNegative()),
    METRIC("metric", ValueType.STRING, "accuracy|macro-f1",
            "Dev metric that decides a promotion.", EnumSet.of(Scope.PROMOTE),
            "accuracy", Checks.oneOf("accuracy", "macro-f1"));

    /** Which subcommand an option belongs to. */
    public enum Scope {
        TRAIN, EVALUATE, PREDICT, PROMOTE;

        static final Set<Scope> ALL = EnumSet.allOf(Scope.class);
        static final Set<Scope> TRAIN_ONLY = EnumSet.of(TRAIN);
        static final Set<Scope> TRAIN_EVAL = EnumSet.of(TRAIN, EVALUATE, PROMOTE);
    }

    /**
     * Whether {@code --resume} accepts another value than the run was started with ({@link ResumeCheck}). Only
     * options that change how long the run goes on, what it reports and where things are may change: --steps and
     * --epochs extend (or shorten) the run, whose learning-rate schedule is then computed for the new total;
     * the run folder and the data root may move. Everything that decides what a step computes stays fixed.
     */
    public enum OnResume {
        FIXED, MAY_CHANGE
    }

    private final String key;
    private final Definition definition;

    /**
     * What the table says of an option besides its name.
     *
     * @param paramLabel   placeholder shown in help ({@code null} for flags)
     * @param defaultText  the default as shown to users ({@code null}: none)
     * @param defaultValue the parsed default (null: none, or one that depends on other options)
     * @param rule         the check of a given value (null: any value of the type)
     * @param onResume     whether a resumed run may give another value
     */
    private record Definition(ValueType type, String paramLabel, String defaultText, String help, Set<Scope> scopes,
                              Object defaultValue, Rule rule, OnResume onResume) {
    }

    /** A value check of one option on its own; rules that relate options live in the typed config parts. */
    @FunctionalInterface
    public interface Rule {
        /** @throws ConfigException naming {@code key} when {@code value} (already parsed) is not allowed */
        void check(ConfigKey key, Object value);
    }

    /** An option whose default is shown as the typed default itself; fixed on resume. */
    ConfigKey(String key, ValueType type, String paramLabel, String help, Set<Scope> scopes, Object defaultValue,
              Rule rule) {
        this(key, type, paramLabel, help, scopes, defaultValue, rule, OnResume.FIXED);
    }

    /** An option whose default is shown as the typed default itself. */
    ConfigKey(String key, ValueType type, String paramLabel, String help, Set<Scope> scopes, Object defaultValue,
              Rule rule, OnResume onResume) {
        this(key, type, paramLabel, String.valueOf(Objects.requireNonNull(defaultValue, key)), help, scopes,
                defaultValue, rule, onResume);
    }

    /** An option whose shown default is not just its typed default (none, derived, or worded); fixed on resume. */
    ConfigKey(String key, ValueType type, String paramLabel, String defaultText, String help, Set<Scope> scopes,
              Object defaultValue, Rule rule) {
        this(key, type, paramLabel, defaultText, help, scopes, defaultValue, rule, OnResume.FIXED);
    }

    /** An option whose shown default is not just its typed default: none, derived from other options, or worded. */
    ConfigKey(String key, ValueType type, String paramLabel, String defaultText, String help, Set<Scope> scopes,
              Object defaultValue, Rule rule, OnResume onResume) {
        this.key = key;
        this.definition = new Definition(type, paramLabel, defaultText, help, scopes, defaultValue, rule, onResume);
    }

    /** A flag: a boolean option, off unless given ({@code --freeze-embeddings}, or {@code freeze-embeddings: true}). */
    ConfigKey(String key, String help, Set<Scope> scopes) {
        this(key, help, scopes, OnResume.FIXED);
    }

    /** A flag with its own resume rule. */
    ConfigKey(String key, String help, Set<Scope> scopes, OnResume onResume) {
        this(key, ValueType.BOOLEAN, null, "false", help, scopes, false, null, onResume);
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
        return definition.type();
    }

    /** Placeholder shown in help ({@code null} for flags). */
    public String paramLabel() {
        return definition.paramLabel();
    }

    /** The default as shown to users ({@code null}: none). */
    public String defaultText() {
        return definition.defaultText();
    }

    public String help() {
        return definition.help();
    }

    /** The typed default (String, Integer, Long, Double, Boolean), or null when there is none or it is derived. */
    public Object defaultValue() {
        return definition.defaultValue();
    }

    /** Checks a parsed value of this option (no-op for options without a rule); the one place of each check. */
    public void check(Object value) {
        if (definition.rule() != null && value != null) {
            definition.rule().check(this, value);
        }
    }

    /** Whether {@code --resume} accepts another value than the run's own ({@link OnResume}). */
    public boolean mayChangeOnResume() {
        return definition.onResume() == OnResume.MAY_CHANGE;
    }

    public boolean appliesTo(Scope scope) {
        return definition.scopes().contains(scope);
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
