package io.sparkcl.job.report;

import io.sparkcl.job.train.report.RunFolder;
import org.knowm.xchart.XYChart;

import java.util.List;
import java.util.Map;

/**
 * A run's own plot, {@code curves.png} in its run folder: the training loss (total, CE and contrastive
 * parts) per step, and the accuracy of every evaluated split per evaluation step.
 */
public final class RunCurves {
    public static final String FILE = "curves.png";

    private RunCurves() {
    }

    public static void write(RunFolder run, String title) {
        List<Map<String, Object>> metrics = RunLogs.read(run, "metrics.jsonl");
        XYChart loss = Charts.lines(title + ": training loss", "step", "loss");
        double[] steps = column(metrics, "step");
        if (metrics.stream().anyMatch(m -> RunLogs.number(m, "contrastive_weight") > 0)) {
            Charts.line(loss, "loss (weighted sum)", steps, column(metrics, "loss"));
            Charts.line(loss, "ce", steps, column(metrics, "ce"));
            Charts.line(loss, "contrastive", steps, column(metrics, "contrastive"));
        } else {
            Charts.line(loss, "ce", steps, column(metrics, "loss"));
        }
        XYChart accuracy = Charts.lines(title + ": accuracy", "step", "accuracy");
        List<Map<String, Object>> evals = RunLogs.read(run, "eval.jsonl");
        for (String split : List.of("dev", "test")) {
            List<Map<String, Object>> lines = evals.stream().filter(e -> split.equals(e.get("split"))).toList();
            Charts.line(accuracy, split, column(lines, "step"), column(lines, "accuracy"));
        }
        accuracy.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        Charts.writePng(List.of(loss, accuracy), 2, run.path(FILE), run.conf());
    }

    static double[] column(List<Map<String, Object>> lines, String field) {
        return lines.stream().mapToDouble(m -> RunLogs.number(m, field)).toArray();
    }
}
