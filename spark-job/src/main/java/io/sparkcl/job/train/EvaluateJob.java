package io.sparkcl.job.train;

import io.sparkcl.job.train.exec.FlatParams;
import io.sparkcl.job.config.EvaluateConfig;
import io.sparkcl.job.config.InferenceInput;
import io.sparkcl.job.train.data.InferenceData;
import io.sparkcl.job.train.eval.ConfusionMatrix;
import io.sparkcl.job.train.eval.DistributedEvaluator;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.job.train.report.SparkProgress;
import io.sparkcl.model.FineTunedModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** {@code sparkcl evaluate}: a saved model on one labelled split, on the executors; prints accuracy and macro-F1. */
public final class EvaluateJob {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);

    /** How often a long evaluation logs its progress. */
    static final long PROGRESS_SECONDS = 30;

    private EvaluateJob() {
    }

    public static EvalMetrics run(EvaluateConfig c, SparkSession spark) {
        // without --output, the reader writes bad rows to a private temporary folder and logs where
        InferenceInput in = c.input();
        InferenceData data = InferenceData.read(spark, in, c.quarantineDir());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (data.rows().filter(r -> r.label() < 0).count() > 0) {
            throw new IllegalArgumentException("split '" + in.split() + "' of " + in.dataset()
                    + " has unlabelled rows: evaluation needs labels (GLUE test splits have none; use dev)");
        }
        EvalMetrics m = evaluate(jsc, data, in.split(), c.evalBatch());
        Map<String, Object> out = new LinkedHashMap<>(m.toMap());
        out.put("model", in.model());
        out.put("dataset", in.source());
        out.put("bad_rows", data.badRows());
        out.put("truncated_rows", data.truncatedRows());
        if (c.resultsFile() != null) {
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(c.resultsFile());
            new RunFolder(file.getParent().toString(), jsc.hadoopConfiguration()).writeJson(file.getName(), out);
        }
        String line = String.format(Locale.ROOT, "%s %s: accuracy %.4f  macro-F1 %.4f  (%d rows)",
                in.source(), in.split(), m.accuracy(), m.macroF1(), m.rows());
        LOG.info(line);
        System.out.println(line);
        return m;
    }

    static EvalMetrics evaluate(JavaSparkContext jsc, InferenceData data, String split, int batch) {
        FineTunedModel model = data.model();
        ModelSpec spec = ModelSpec.of(model);
        Broadcast<FlatParams> params = jsc.broadcast(FlatParams.of(model.parameters().flat()));
        try (SparkProgress progress = SparkProgress.start(jsc.sc(), "evaluate " + split, data.rows().count(),
                PROGRESS_SECONDS)) {
            ConfusionMatrix cm = DistributedEvaluator.confusion(data.rows(), spec, params,
                    UUID.randomUUID().getMostSignificantBits(), data.padTokenId(), batch, progress.rowsScored());
            return EvalMetrics.of(split, cm, model.labels());
        } finally {
            params.unpersist(false);
        }
    }
}
