package io.sparkcl.job.train;

import io.sparkcl.job.train.exec.FlatParams;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.ConfusionMatrix;
import io.sparkcl.job.train.eval.DistributedEvaluator;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.report.JsonLines;
import io.sparkcl.job.train.report.SparkProgress;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/** Evaluation during training, for every mode: dev and test on the executors, a line per split in eval.jsonl. */
public final class RunEvaluation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunEvaluation.class);

    private final TrainingRun run;
    private final ModelSpec spec;
    private final JsonLines evals;

    /** @param firstStep lines of later steps (from before a restart) are dropped from eval.jsonl */
    public RunEvaluation(TrainingRun run, long firstStep) {
        this.run = run;
        this.spec = run.spec();
        this.evals = run.folder().jsonLines("eval.jsonl", firstStep);
    }

    /** Evaluates the broadcast parameters ({@code version} their id) after {@code step} steps. */
    public Map<String, EvalMetrics> evaluate(Broadcast<FlatParams> params, long version, long step) {
        Map<String, EvalMetrics> out = new LinkedHashMap<>();
        split("dev", run.data().dev(), params, version, step, out);
        split("test", run.data().test(), params, version, step, out);
        return out;
    }

    /** Dev macro-F1; -1 without a dev split (then nothing is selected: the test split never chooses). */
    public static double selectionMetric(Map<String, EvalMetrics> eval) {
        EvalMetrics m = eval.get("dev");
        return m == null ? -1 : m.macroF1();
    }

    private void split(String name, JavaRDD<TrainingRow> rows, Broadcast<FlatParams> params, long version, long step,
                       Map<String, EvalMetrics> out) {
        if (rows == null) {
            return;
        }
        run.jsc().setJobGroup("sparkcl-eval", "evaluate " + name + " at step " + step, false);
        ConfusionMatrix cm;
        try (SparkProgress progress = SparkProgress.start(run.jsc().sc(), "evaluate " + name + " at step " + step,
                rows.count(), EvaluateJob.PROGRESS_SECONDS)) {
            cm = DistributedEvaluator.confusion(rows, spec, params, version, run.data().padId(),
                    run.config().schedule().evalBatch(), progress.rowsScored());
        }
        EvalMetrics m = EvalMetrics.of(name, cm, run.data().labels());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.putAll(m.toMap());
        evals.write(line);
        LOG.info("eval {} at step {}: accuracy {} macro-F1 {} ({} rows)", name, step,
                String.format("%.4f", m.accuracy()), String.format("%.4f", m.macroF1()), m.rows());
        out.put(name, m);
    }

    @Override
    public void close() {
        evals.close();
    }
}
