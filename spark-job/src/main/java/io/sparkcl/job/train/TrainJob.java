package io.sparkcl.job.train;

import io.sparkcl.datasets.DataRoot;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ModelConfig;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.export.ModelCard;
import io.sparkcl.job.report.ModelSelection;
import io.sparkcl.job.report.RunCurves;
import io.sparkcl.job.shared.SharedModeTrainer;
import io.sparkcl.job.train.data.TrainingDataBuilder;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.job.train.exec.FaultInjection;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.encoder.BertConfig;
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
 * {@code sparkcl train}, whatever the mode: the run folder (config.yaml, trainer.json, data.json), data →
 * tokenised cached rows, the starting model, the {@link Trainer}, then the final and best models and
 * summary.json. Prints the test accuracy.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    private TrainJob() {
    }

    /** Entry point of the command line. */
    public static TrainSummary run(TrainConfig config, SparkSession spark) {
        return run(config, spark, FaultInjection.NONE);
    }

    /** @param faults test seam ({@link FaultInjection#NONE} in production) */
    public static TrainSummary run(TrainConfig c, SparkSession spark, FaultInjection faults) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Trainer trainer = c.mode().shared() ? new SharedModeTrainer() : new ExactTrainer();
        RunFolder run = new RunFolder(c.run().output(), jsc.hadoopConfiguration());
        run.writeString("config.yaml", c.toYaml());
        Map<String, Object> settings = new LinkedHashMap<>(c.toMap());
        settings.put("mode", trainer.mode());
        LOG.info("training {} on {} with {} (λ {}, τ {}), global batch {}, micro-batch {}, run folder {}",
                c.model().model(), c.data().dataset(), c.objective().method().id(), c.objective().lambda(),
                c.objective().tau(), c.schedule().globalBatch(), c.schedule().microBatch(), run.root());

        long t0 = System.nanoTime();
        ModelConfig m = c.model();
        TrainingDataBuilder builder = new TrainingDataBuilder(spark, c.data(), m, run.path("quarantine").toString())
                .read();
        int k = builder.labels().size();
        PretrainedModel pm = ModelRegistry.load(m.model(), k);
        BertConfig config = m.dropout() >= 0 ? pm.config().withDropout(m.dropout(), m.dropout()) : pm.config();
        // what was actually used: the data root from the environment, the model's own dropout
        settings.put(ConfigKey.DATA_DIR.key(), DataRoot.resolve(c.data().dataDir()));
        settings.put(ConfigKey.DROPOUT.key(), config.hiddenDropout());
        settings.put("attention-dropout", config.attentionDropout());
        run.writeJson("trainer.json", settings);
        if (m.maxLength() > config.maxPositionEmbeddings() - config.positionOffset()) {
            throw new IllegalArgumentException("--max-length " + m.maxLength() + " exceeds the "
                    + (config.maxPositionEmbeddings() - config.positionOffset()) + " positions of model " + m.model());
        }
        TrainingData data = builder.tokenize(pm.tokenizerSpec());
        run.writeJson("data.json", data.report());
        double dataSeconds = (System.nanoTime() - t0) / 1e9;

        ModelStart start = new ModelStart(config, k, pm.parameters().flat().dup().data().asFloat());
        long t1 = System.nanoTime();
        TrainResult r = trainer.train(new TrainingRun(jsc, c, data, start, run, faults));
        double seconds = (System.nanoTime() - t1) / 1e9;

        String modelFolder = ModelExport.save(run, "model", config, k, r.finalParams(), m.pooling(), m.head(),
                data.labels(), builder.labelTexts(), pm.tokenizerSpec(), m.maxLength(), settings);
        if (r.bestParams() != null) {
            ModelExport.save(run, "best-model", config, k, r.bestParams(), m.pooling(), m.head(), data.labels(),
                    builder.labelTexts(), pm.tokenizerSpec(), m.maxLength(), settings);
        }
        long stepsPerEpoch = Math.max(1, data.numTrain() / c.schedule().globalBatch());
        TrainSummary summary = new TrainSummary(run.root().toString(), modelFolder, c.objective().method().id(),
                r.steps(), (int) ((r.steps() + stepsPerEpoch - 1) / stepsPerEpoch), r.lastLoss(), r.finalEval(),
                r.bestMetric(), r.bestStep(), seconds, dataSeconds, r.sequencesPerSecond(), r.meanSecondsPerStep(),
                r.meanOverheadSeconds());
        Map<String, Object> json = summary.toMap();
        json.put("data", data.report());
        json.put("model_selection", ModelSelection.of(run, r.bestStep(), r.steps()).toMap());
        RunCurves.write(run, c.data().dataset() + " " + c.objective().method().id());
        run.writeJson("summary.json", json);
        ModelCard.write(run, "model", settings, json);
        if (r.bestParams() != null) {
            ModelCard.write(run, "best-model", settings, json);
        }
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
}
