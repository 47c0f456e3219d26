package io.sparkcl.job.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.report.ModelSelection;
import io.sparkcl.job.report.RunCurves;
import io.sparkcl.job.train.data.TrainingDataBuilder;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sparkcl train}: data → tokenised cached rows → exact global-batch training on Spark → final
 * evaluation, model and reports in the run folder. Prints the test accuracy.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    private TrainJob() {
    }

    /** Entry point of the command line. */
    public static TrainSummary run(TrainConfig config, SparkSession spark) {
        return run(TrainerSettings.from(config), spark, config.toYaml());
    }

    /**
     * @param resolvedConfigYaml the command line's resolved config (written as config.yaml), or null
     */
    public static TrainSummary run(TrainerSettings s, SparkSession spark, String resolvedConfigYaml) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        RunFolder run = new RunFolder(s.output(), jsc.hadoopConfiguration());
        if (resolvedConfigYaml != null) {
            run.writeString("config.yaml", resolvedConfigYaml);
        }
        Map<String, Object> settings = settingsMap(s);
        run.writeJson("trainer.json", settings);
        LOG.info("training {} on {} with {} (λ {}, τ {}), global batch {}, micro-batch {}, run folder {}", s.model(),
                s.dataset(), s.method(), s.lambda(), s.tau(), s.globalBatch(), s.microBatch(), run.root());

        long t0 = System.nanoTime();
        TrainingDataBuilder builder = new TrainingDataBuilder(spark, s, run.path("quarantine").toString()).read();
        int k = builder.labels().size();
        PretrainedModel pm = ModelRegistry.load(s.model(), k);
        BertConfig config = s.dropout() >= 0 ? pm.config().withDropout(s.dropout(), s.dropout()) : pm.config();
        if (s.maxLength() > config.maxPositionEmbeddings() - config.positionOffset()) {
            throw new IllegalArgumentException("--max-length " + s.maxLength() + " exceeds the "
                    + (config.maxPositionEmbeddings() - config.positionOffset()) + " positions of model " + s.model());
        }
        TrainingData data = builder.tokenize(pm.tokenizerSpec());
        run.writeJson("data.json", data.report());
        double dataSeconds = (System.nanoTime() - t0) / 1e9;

        ModelStart start = new ModelStart(config, k, pm.parameters().flat().dup().data().asFloat());
        long t1 = System.nanoTime();
        TrainResult r = new ExactTrainer(jsc, s, data, start, run).train();
        double seconds = (System.nanoTime() - t1) / 1e9;

        Pooling pooling = Pooling.parse(s.pooling());
        String modelFolder = ModelExport.save(run, "model", config, k, r.finalParams(), pooling, data.labels(),
                builder.labelTexts(), pm.tokenizerSpec(), s.maxLength(), settings);
        if (r.bestParams() != null) {
            ModelExport.save(run, "best-model", config, k, r.bestParams(), pooling, data.labels(),
                    builder.labelTexts(), pm.tokenizerSpec(), s.maxLength(), settings);
        }
        long stepsPerEpoch = Math.max(1, data.numTrain() / s.globalBatch());
        TrainSummary summary = new TrainSummary(run.root().toString(), modelFolder, s.method(), r.steps(),
                (int) ((r.steps() + stepsPerEpoch - 1) / stepsPerEpoch), r.lastLoss(), r.finalEval(), r.bestMetric(),
                r.bestStep(), seconds, dataSeconds, r.sequencesPerSecond(), r.meanSecondsPerStep(),
                r.meanOverheadSeconds());
        Map<String, Object> json = summary.toMap();
        json.put("data", data.report());
        json.put("model_selection", ModelSelection.of(run, r.bestStep(), r.steps()).toMap());
        RunCurves.write(run, s.dataset() + " " + s.method());
        run.writeJson("summary.json", json);
        report(summary);
        return summary;
    }

    private static void report(TrainSummary summary) {
        for (Map.Entry<String, EvalMetrics> e : summary.finalEval().entrySet()) {
            String line = String.format(Locale.ROOT, "%s accuracy: %.4f  macro-F1: %.4f  (%d rows)", e.getKey(),
                    e.getValue().accuracy(), e.getValue().macroF1(), e.getValue().rows());
            LOG.info(line);
            System.out.println(line);
        }
        String line = String.format(Locale.ROOT, "trained %d steps in %.1f s (%.1f sequences/s, mean step overhead "
                        + "%.0f ms); model in %s", summary.steps(), summary.seconds(), summary.sequencesPerSecond(),
                summary.meanStepOverheadSeconds() * 1000, summary.modelFolder());
        LOG.info(line);
        System.out.println(line);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> settingsMap(TrainerSettings s) {
        Map<String, Object> m = new ObjectMapper().convertValue(s, LinkedHashMap.class);
        m.remove("injectNanAtStep");
        m.remove("stopAfterStep");
        m.remove("failTaskAtStep");
        m.remove("dualCl");
        m.put("mode", "exact");
        return m;
    }
}
