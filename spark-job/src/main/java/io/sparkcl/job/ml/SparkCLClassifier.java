package io.sparkcl.job.ml;

import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.ModelExport;
import io.sparkcl.job.train.TrainJob;
import io.sparkcl.job.train.TrainSummary;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;

/**
 * Spark ML Estimator: fine-tunes a SparkCL classifier on a DataFrame with a text column (optionally a text-pair
 * column) and a label column, with the project's exact global-batch trainer ({@link TrainJob}), and returns a
 * {@link SparkCLModel}.
 *
 * <p>Its params are the training options of the command line, generated from {@link ConfigKey} (same names,
 * e.g. {@code global-batch}, same docs and parsing); {@code fit} resolves and validates them with the command
 * line's own {@link TrainConfig}. Options about files and the cluster ({@code train-file}, {@code master}, …) are
 * not params: the data is the DataFrame and the cluster is the DataFrame's. {@code output} is the run folder
 * (metrics, checkpoints, the model); without it a temporary local folder is used, which only works with a local
 * master. The DataFrame is written as Parquet next to the run folder for the trainer and removed afterwards.
 */
public final class SparkCLClassifier extends Estimator<SparkCLModel>
        implements MLWritable, SparkCLParams<SparkCLClassifier> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SparkCLClassifier.class);

    /** Training options that do not apply to a DataFrame (its data and its cluster are given). */
    static final Set<ConfigKey> NOT_PARAMS = EnumSet.of(ConfigKey.DATA_DIR, ConfigKey.TRAIN_FILE, ConfigKey.DEV_FILE,
            ConfigKey.TEST_FILE, ConfigKey.FORMAT, ConfigKey.RESUME, ConfigKey.MASTER);

    private final String uid;
    private final StageParams stage;

    public SparkCLClassifier() {
        this(Identifiable$.MODULE$.randomUID("sparkcl"));
    }

    public SparkCLClassifier(String uid) {
        this.uid = uid;
        List<ConfigKey> keys = new ArrayList<>();
        for (ConfigKey k : ConfigKey.values()) {
            if (k.appliesTo(ConfigKey.Scope.TRAIN) && !NOT_PARAMS.contains(k)) {
                keys.add(k);
            }
        }
        this.stage = new StageParams(this, keys);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Param<?>[] params() {
        return stage.all();
    }

    @Override
    public StageParams stageParams() {
        return stage;
    }







    /** The options resolved and validated as {@code sparkcl train} does, for data in {@code trainFile}. */
    private TrainConfig config(String trainFile, String output) {
        ConfigValues v = stage.options.values(this);
        v.set(ConfigKey.TRAIN_FILE, trainFile, ConfigParams.ORIGIN);
        v.set(ConfigKey.FORMAT, "parquet", ConfigParams.ORIGIN);
        if (output != null) {
            v.set(ConfigKey.OUTPUT, output, ConfigParams.ORIGIN);
        }
        return TrainConfig.from(v);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        TrainConfig c = config("dataframe", null).validateValues(DatasetCatalog.registry());
        requireString(schema, ConfigKey.TEXT_COLUMN, c.data().textColumn());
        if (c.data().textPairColumn() != null) {
            requireString(schema, ConfigKey.TEXT_PAIR_COLUMN, c.data().textPairColumn());
        }
        requireColumn(schema, ConfigKey.LABEL_COLUMN, c.data().labelColumn());
        return stage.outputs.outputSchema(this, schema);
    }

    static void requireString(StructType schema, ConfigKey option, String column) {
        requireColumn(schema, option, column);
        DataType t = schema.apply(column).dataType();
        if (!t.equals(DataTypes.StringType)) {
            throw new ConfigException(option.key(), "column '" + column + "' must be a string, it is " + t.simpleString());
        }
    }

    private static void requireColumn(StructType schema, ConfigKey option, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new ConfigException(option.key(), "no column '" + column + "' in the DataFrame; its columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
    }

    @Override
    public SparkCLModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String run = isSet(stage.options.param(ConfigKey.OUTPUT))
                ? (String) getOrDefault(stage.options.param(ConfigKey.OUTPUT)) : localRunFolder(spark);
        Path runPath = new Path(run);
        String data = new Path(runPath.getParent(), "." + runPath.getName() + ".train-data-" + UUID.randomUUID())
                .toString();
        TrainConfig c = config(data, run);
        Dataset<Row> input = trainingColumns(dataset.toDF(), c);
        input.write().mode(SaveMode.ErrorIfExists).parquet(data);
        try {
            if (c.data().labels().isEmpty() && isNumeric(dataset.schema(), c.data().labelColumn())) {
                c = withNumericLabelOrder(input, c);
            }
            c.validate(DatasetCatalog.registry(), conf);
            LOG.info("SparkCLClassifier: training on {} rows into {}", input.count(), run);
            TrainSummary summary = TrainJob.run(c, spark);
            SparkCLModel model = new SparkCLModel(uid, ModelExport.load(summary.modelFolder(), conf));
            copyValues(model, ParamMap.empty());
            model.setParent(this);
            return model;
        } finally {
            try {
                new Path(data).getFileSystem(conf).delete(new Path(data), true);
            } catch (IOException e) {
                LOG.warn("could not remove the temporary training data {}: {}", data, e.getMessage());
            }
        }
    }

    /** Numeric labels become their integer text, in numeric order (class k = label k for labels 0..K-1). */
    private TrainConfig withNumericLabelOrder(Dataset<Row> input, TrainConfig c) {
        List<String> labels = input.select(col(c.data().labelColumn())).distinct().collectAsList().stream()
                .map(r -> r.getString(0)).sorted((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b))).toList();
        ConfigValues v = stage.options.values(this);
        v.set(ConfigKey.TRAIN_FILE, c.data().trainFile(), ConfigParams.ORIGIN);
        v.set(ConfigKey.FORMAT, "parquet", ConfigParams.ORIGIN);
        v.set(ConfigKey.OUTPUT, c.run().output(), ConfigParams.ORIGIN);
        v.set(ConfigKey.LABELS, labels, ConfigParams.ORIGIN);
        return TrainConfig.from(v);
    }

    private static boolean isNumeric(StructType schema, String column) {
        return schema.apply(column).dataType() instanceof NumericType;
    }

    /** The text, pair and label columns (a numeric label as its integer text: labels are names). */
    private static Dataset<Row> trainingColumns(Dataset<Row> df, TrainConfig c) {
        List<Column> cols = new ArrayList<>();
        cols.add(col(c.data().textColumn()));
        if (c.data().textPairColumn() != null) {
            cols.add(col(c.data().textPairColumn()));
        }
        Column label = col(c.data().labelColumn());
        if (isNumeric(df.schema(), c.data().labelColumn())) {
            label = label.cast("long").cast("string").alias(c.data().labelColumn());
        }
        cols.add(label);
        return df.select(cols.toArray(new Column[0]));
    }

    private static String localRunFolder(SparkSession spark) {
        String master = spark.sparkContext().master();
        if (!master.startsWith("local")) {
            throw new ConfigException(ConfigKey.OUTPUT.key(), "set the run folder on storage every node sees "
                    + "(hdfs://, s3a://, a shared mount) when Spark runs on a cluster (master " + master + ")");
        }
        try {
            return Files.createTempDirectory("sparkcl-fit").resolve("run").toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary run folder", e);
        }
    }

    @Override
    public SparkCLClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    public static MLReader<SparkCLClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static SparkCLClassifier load(String path) {
        return read().load(path);
    }
}
