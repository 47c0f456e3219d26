package io.sparkcl.job.promote;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.config.EvaluateConfig;
import io.sparkcl.job.config.PromoteConfig;
import io.sparkcl.job.train.EvaluateJob;
import io.sparkcl.job.train.eval.EvalMetrics;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.job.train.ModelExport;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sparkcl promote}: evaluates the candidate and the current model on the same dev data (and the same test
 * data, reported only), applies {@link Promotion#decide}, installs the candidate in the current model's folder
 * when it wins, and prints one line with the outcome.
 */
public final class PromoteJob {
    private static final Logger LOG = LoggerFactory.getLogger(PromoteJob.class);

    /** The decision and the numbers behind it (written as promotion.json). */
    public record Decision(Promotion.Outcome outcome, String line, Map<String, Object> report) {
    }

    private PromoteJob() {
    }

    public static Decision run(PromoteConfig c, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        String candidate = ModelFolders.resolve(c.candidate(), conf);
        boolean hasCurrent = ModelFolders.exists(c.current(), conf);
        if (hasCurrent) {
            sameLabels(candidate, c.current(), conf);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("time", Instant.now().toString());
        report.put("candidate", candidate);
        report.put("current", c.current());
        report.put("metric", c.metric());
        report.put("margin", c.margin());

        EvalMetrics candidateDev = EvaluateJob.run(c.devEvaluation(candidate), spark);
        EvalMetrics currentDev = hasCurrent ? EvaluateJob.run(c.devEvaluation(c.current()), spark) : null;
        report.put("dev", metrics(candidateDev, currentDev));
        EvaluateConfig candidateTest = c.testEvaluation(candidate);
        if (candidateTest != null) {
            try {
                report.put("test", metrics(EvaluateJob.run(candidateTest, spark),
                        hasCurrent ? EvaluateJob.run(c.testEvaluation(c.current()), spark) : null));
            } catch (IllegalArgumentException e) {
                // test metrics are only reported: a test split without labels (GLUE) does not stop the decision
                LOG.warn("promote: no test metrics: {}", e.getMessage());
                report.put("test", Map.of("error", String.valueOf(e.getMessage())));
            }
        }

        double cand = value(candidateDev, c.metric());
        double cur = currentDev == null ? Double.NaN : value(currentDev, c.metric());
        Promotion.Outcome outcome = Promotion.decide(cand, cur, c.margin());
        String line = Promotion.describe(outcome, c.metric(), cand, cur, c.margin());
        report.put("outcome", outcome.name());
        report.put("exit_code", outcome.exitCode());
        String json = toJson(report);
        if (outcome.installsCandidate()) {
            ModelFolders.install(candidate, c.current(), json, conf);
            line += "; installed " + candidate + " as " + c.current()
                    + (hasCurrent ? " (previous model in " + c.current() + ".previous)" : "");
        } else {
            line += "; " + c.current() + " unchanged";
        }
        report.put("message", line);
        if (c.output() != null) {
            new RunFolder(c.output(), conf).writeJson("promotion.json", report);
        }
        LOG.info(line);
        System.out.println(line);
        return new Decision(outcome, line, report);
    }

    private static void sameLabels(String candidate, String current, Configuration conf) {
        FineTunedModel a = ModelExport.load(candidate, conf);
        FineTunedModel b = ModelExport.load(current, conf);
        if (!a.labels().equals(b.labels())) {
            throw new IllegalArgumentException("the candidate " + candidate + " has labels " + a.labels()
                    + " but the current model " + current + " has " + b.labels()
                    + ": promote compares models over the same classes");
        }
    }

    private static Map<String, Object> metrics(EvalMetrics candidate, EvalMetrics current) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", candidate.rows());
        m.put("candidate", Map.of("accuracy", candidate.accuracy(), "macro-f1", candidate.macroF1()));
        if (current != null) {
            m.put("current", Map.of("accuracy", current.accuracy(), "macro-f1", current.macroF1()));
        }
        return m;
    }

    private static double value(EvalMetrics m, String metric) {
        return metric.equals("macro-f1") ? m.macroF1() : m.accuracy();
    }

    private static String toJson(Map<String, Object> report) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
