package io.sparkcl.job.ml;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.EvaluateConfig;
import io.sparkcl.job.train.ModelExport;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.Option;

import java.util.List;

/**
 * Spark ML Model of a fine-tuned SparkCL classifier. {@code transform} adds the prediction, the class
 * probabilities and optionally the pooled feature ({@link OutputColumns}), scoring on the executors in batches
 * of {@code eval-batch} rows with the encoder cached per executor thread ({@link BatchInference}, the code
 * {@code sparkcl predict} runs). Its options {@code text-column}, {@code text-pair-column} and
 * {@code eval-batch} are those of {@code sparkcl predict}, with the same defaults.
 *
 * <p>Persistence: {@code write().save(path)} writes Spark ML's metadata and the model folder
 * ({@code path/model}, the format of {@code sparkcl train}, loadable by {@code sparkcl predict}) on any Hadoop
 * path; {@link #load} reads it back; as a {@code Pipeline} stage it is saved and loaded with the pipeline.
 */
public final class SparkCLModel extends Model<SparkCLModel> implements MLWritable, SparkCLParams<SparkCLModel> {
    private static final long serialVersionUID = 1L;
    static final String MODEL_FOLDER = "model";

    private final String uid;
    private final transient FineTunedModel model;
    private final StageParams stage;
    /** Broadcast once per model object: every transform reuses the executors' cached encoders. */
    private transient BatchInference inference;

    public SparkCLModel(String uid, FineTunedModel model) {
        this.uid = uid;
        this.model = model;
        this.stage = new StageParams(this, List.of(ConfigKey.TEXT_COLUMN, ConfigKey.TEXT_PAIR_COLUMN,
                ConfigKey.EVAL_BATCH));
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The class labels, in the order of the probability vector. */
    public List<String> labels() {
        return model.labels();
    }

    @Override
    public Param<?>[] params() {
        return stage.all();
    }

    /** The fine-tuned model (labels, tokenizer, parameters). */
    public FineTunedModel fineTunedModel() {
        return model;
    }

    @Override
    public StageParams stageParams() {
        return stage;
    }





    /** text-column, text-pair-column and eval-batch resolved with {@code sparkcl predict}'s defaults. */
    private EvaluateConfig resolved() {
        return EvaluateConfig.from(stage.options.values(this));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        EvaluateConfig c = resolved();
        SparkCLClassifier.requireString(schema, ConfigKey.TEXT_COLUMN, c.input().textColumn());
        if (c.input().textPairColumn() != null) {
            SparkCLClassifier.requireString(schema, ConfigKey.TEXT_PAIR_COLUMN, c.input().textPairColumn());
        }
        return stage.outputs.outputSchema(this, schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        EvaluateConfig c = resolved();
        StructType in = dataset.schema();
        String pair = c.input().textPairColumn();
        ScoreRows score = new ScoreRows(inference(dataset).withBatch(c.evalBatch()), model,
                in.fieldIndex(c.input().textColumn()), pair == null ? -1 : in.fieldIndex(pair),
                !getOrDefault(stage.outputs.pooledFeatureCol).isEmpty());
        JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(score);
        return dataset.sparkSession().createDataFrame(rows, out);
    }

    private synchronized BatchInference inference(Dataset<?> dataset) {
        if (inference == null) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
            inference = BatchInference.of(jsc, model, model.tokenizer().padTokenId(), resolved().evalBatch());
        }
        return inference;
    }

    @Override
    public SparkCLModel copy(ParamMap extra) {
        SparkCLModel copy = copyValues(new SparkCLModel(uid, model), extra);
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<SparkCLModel> read() {
        return new Reader();
    }

    public static SparkCLModel load(String path) {
        return read().load(path);
    }

    /** Spark ML metadata (uid, params) plus the model folder in {@code path/model}. */
    private static final class Writer extends MLWriter {
        private final SparkCLModel instance;

        Writer(SparkCLModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
            ModelExport.save(instance.model, new RunFolder(path, sc().hadoopConfiguration()), MODEL_FOLDER);
        }
    }

    private static final class Reader extends MLReader<SparkCLModel> {
        @Override
        public SparkCLModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(),
                    SparkCLModel.class.getName());
            FineTunedModel model = ModelExport.load(path + "/" + MODEL_FOLDER, sc().hadoopConfiguration());
            SparkCLModel m = new SparkCLModel(metadata.uid(), model);
            metadata.getAndSetParams(m, Option.empty());
            return m;
        }
    }
}
