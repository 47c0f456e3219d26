package io.sparkcl.job.ablate;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.report.Charts;
import io.sparkcl.job.report.ReportFiles;
import io.sparkcl.job.report.RunLogs;
import io.sparkcl.job.train.report.RunFolder;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The ablation's PNG plots under {@code results/plots/}, one file per setting (see {@link AblationReport}):
 * <ul>
 *   <li>{@code learning-curves*.png}: training loss (moving average), dev and test accuracy against the step,
 *       mean over seeds, one line per method;</li>
 *   <li>{@code accuracy-vs-batch.png} when the global batch varies: test accuracy (mean, error bar = std over
 *       seeds) against the global batch, one line per method, a panel per other setting;</li>
 *   <li>{@code projection*.png}: PCA of the test rows' pooled features before (top) and after (bottom)
 *       fine-tuning, a column per method ({@link FeatureProjection}).</li>
 * </ul>
 */
final class AblationPlots {
    private final Ablation ablation;
    private final Path out;
    /** The files this pass wrote; what else is in the plot folders is stale and removed last. */
    private final Set<Path> written = new HashSet<>();

    private AblationPlots(Ablation ablation, Path out) {
        this.ablation = ablation;
        this.out = out;
    }

    static void write(Ablation ablation, List<CellResult> results, Path out) {
        if (results.isEmpty()) {
            return;
        }
        AblationPlots plots = new AblationPlots(ablation, out);
        plots.writeAll(results);
        // stale files go only after every new one is in place, so an interrupted pass never leaves the folders empty
        ReportFiles.removeAllBut(new Path(out, "plots"), plots.written, ablation.conf());
        ReportFiles.removeAllBut(new Path(out, "projections"), plots.written, ablation.conf());
    }

    private void writeAll(List<CellResult> results) {
        // file names from the grid's settings (not from the cells finished so far), numbered in grid order
        List<String> settings = ablation.cells().stream().map(AblationReport::settingLabel).distinct().toList();
        Map<String, List<CellResult>> bySetting = new LinkedHashMap<>();
        results.forEach(r -> bySetting.computeIfAbsent(AblationReport.settingLabel(r.cell()), k -> new ArrayList<>())
                .add(r));
        for (Map.Entry<String, List<CellResult>> e : bySetting.entrySet()) {
            String suffix = settings.size() == 1 ? ""
                    : "-" + (settings.indexOf(e.getKey()) + 1) + "-" + slug(e.getKey());
            learningCurves(e.getKey(), e.getValue(), "plots/learning-curves" + suffix + ".png");
            projection(e.getValue(), "plots/projection" + suffix + ".png");
        }
        if (ablation.grid().axes().containsKey(ConfigKey.GLOBAL_BATCH)) {
            accuracyVsBatch(results);
        }
    }

    private void png(List<XYChart> charts, int columns, String file) {
        Path path = new Path(out, file);
        if (Charts.writePng(charts, columns, path, ablation.conf())) {
            written.add(path);
        }
    }

    private void learningCurves(String setting, List<CellResult> cells, String file) {
        XYChart loss = Charts.lines("training loss · " + setting, "step", "loss (moving average)");
        XYChart dev = Charts.lines("dev accuracy · " + setting, "step", "accuracy");
        XYChart test = Charts.lines("test accuracy · " + setting, "step", "accuracy");
        for (Map.Entry<String, List<CellResult>> row : byRow(cells).entrySet()) {
            List<RunFolder> runs = row.getValue().stream()
                    .map(c -> new RunFolder(ablation.cellFolder(c.cell().id()).toString(), ablation.conf())).toList();
            TreeMap<Double, double[]> lossCurve = meanCurve(runs, "metrics.jsonl", null, "loss");
            Charts.line(loss, row.getKey(), keys(lossCurve), movingAverage(values(lossCurve)));
            TreeMap<Double, double[]> devCurve = meanCurve(runs, "eval.jsonl", "dev", "accuracy");
            Charts.line(dev, row.getKey(), keys(devCurve), values(devCurve));
            TreeMap<Double, double[]> testCurve = meanCurve(runs, "eval.jsonl", "test", "accuracy");
            Charts.line(test, row.getKey(), keys(testCurve), values(testCurve));
        }
        dev.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        test.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        png(List.of(loss, dev, test), 3, file);
    }

    private void accuracyVsBatch(List<CellResult> results) {
        Map<String, Map<String, TreeMap<Integer, List<Double>>>> panels = new LinkedHashMap<>();
        for (CellResult r : results) {
            String panel = r.cell().varied().entrySet().stream()
                    .filter(e -> e.getKey() != ConfigKey.SEED && e.getKey() != ConfigKey.GLOBAL_BATCH
                            && !AblationReport.ROW_KEYS.contains(e.getKey()))
                    .map(e -> e.getKey().key() + "=" + e.getValue()).collect(Collectors.joining(", "));
            panels.computeIfAbsent(panel.isEmpty() ? "all" : panel, k -> new LinkedHashMap<>())
                    .computeIfAbsent(AblationReport.rowLabel(r.cell()), k -> new TreeMap<>())
                    .computeIfAbsent(r.cell().config().schedule().globalBatch(), k -> new ArrayList<>()).add(r.testAccuracy());
        }
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<String, Map<String, TreeMap<Integer, List<Double>>>> p : panels.entrySet()) {
            XYChart c = Charts.lines("test accuracy vs global batch · " + p.getKey(), "global batch (log₂ scale)",
                    "test accuracy");
            // x = log2(batch) on a linear axis, ticks labelled with the batch at whole powers of two only
            c.setCustomXAxisTickLabelsFormatter(x -> Math.abs(x - Math.rint(x)) < 1e-9
                    ? String.valueOf(Math.round(Math.pow(2, x))) : "");
            c.getStyler().setMarkerSize(8);
            // accuracy falls as the batch grows, so an inside legend would cover the lowest points
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            for (Map.Entry<String, TreeMap<Integer, List<Double>>> row : p.getValue().entrySet()) {
                double[] x = row.getValue().keySet().stream().mapToDouble(b -> Math.log(b) / Math.log(2)).toArray();
                List<SeedStats> stats = row.getValue().values().stream()
                        .map(v -> SeedStats.of(v.stream().filter(Double::isFinite).toList())).toList();
                double[] y = stats.stream().mapToDouble(SeedStats::mean).toArray();
                double[] err = stats.stream().mapToDouble(s -> Double.isNaN(s.std()) ? 0 : s.std()).toArray();
                if (x.length > 0 && java.util.Arrays.stream(y).allMatch(Double::isFinite)) {
                    c.addSeries(row.getKey(), x, y, err);
                }
            }
            charts.add(c);
        }
        png(charts, 2, "plots/accuracy-vs-batch.png");
    }

    @SuppressWarnings("unchecked")
    private void projection(List<CellResult> cells, String file) {
        List<Map<String, Object>> projections = new ArrayList<>();
        for (CellResult c : cells) {
            RunFolder run = new RunFolder(ablation.cellFolder(c.cell().id()).toString(), ablation.conf());
            if (run.exists(FeatureProjection.FILE)) {
                Map<String, Object> p = run.readJson(FeatureProjection.FILE);
                p.put("row", AblationReport.rowLabel(c.cell()));
                projections.add(p);
                Path copy = new Path(out, "projections/" + c.cell().id() + ".json");
                ReportFiles.writeString(copy, run.readString(FeatureProjection.FILE), ablation.conf());
                written.add(copy);
            }
        }
        if (projections.isEmpty()) {
            return;
        }
        List<XYChart> before = new ArrayList<>();
        List<XYChart> after = new ArrayList<>();
        for (Map<String, Object> p : projections) {
            before.add(scatter(p, "before", p.get("row") + ": pre-trained encoder"));
            after.add(scatter(p, "after", p.get("row") + ": after fine-tuning"));
        }
        List<XYChart> all = new ArrayList<>(before);
        all.addAll(after);
        png(all, projections.size(), file);
    }

    @SuppressWarnings("unchecked")
    private static XYChart scatter(Map<String, Object> p, String which, String title) {
        XYChart c = Charts.scatter(title, "PC 1", "PC 2");
        List<String> labels = (List<String>) p.get("labels");
        List<Number> ids = (List<Number>) p.get("label_ids");
        List<List<Number>> xy = (List<List<Number>>) p.get(which);
        for (int k = 0; k < labels.size(); k++) {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                if (ids.get(i).intValue() == k) {
                    points.add(new double[]{xy.get(i).get(0).doubleValue(), xy.get(i).get(1).doubleValue()});
                }
            }
            if (!points.isEmpty()) {
                c.addSeries(labels.get(k), points.stream().mapToDouble(q -> q[0]).toArray(),
                        points.stream().mapToDouble(q -> q[1]).toArray());
            }
        }
        return c;
    }

    private static Map<String, List<CellResult>> byRow(List<CellResult> cells) {
        Map<String, List<CellResult>> m = new LinkedHashMap<>();
        cells.forEach(c -> m.computeIfAbsent(AblationReport.rowLabel(c.cell()), k -> new ArrayList<>()).add(c));
        return m;
    }

    /** step → {sum, count} of {@code field} over the runs' log lines (of {@code split}, when given). */
    private static TreeMap<Double, double[]> meanCurve(List<RunFolder> runs, String log, String split, String field) {
        TreeMap<Double, double[]> curve = new TreeMap<>();
        for (RunFolder run : runs) {
            for (Map<String, Object> line : RunLogs.read(run, log)) {
                double v = RunLogs.number(line, field);
                if ((split == null || split.equals(line.get("split"))) && Double.isFinite(v)) {
                    double[] acc = curve.computeIfAbsent(RunLogs.number(line, "step"), k -> new double[2]);
                    acc[0] += v;
                    acc[1]++;
                }
            }
        }
        return curve;
    }

    private static double[] keys(TreeMap<Double, double[]> curve) {
        return curve.keySet().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] values(TreeMap<Double, double[]> curve) {
        return curve.values().stream().mapToDouble(a -> a[0] / a[1]).toArray();
    }

    /** Centred moving average over about 1/25 of the points (at least 1). */
    static double[] movingAverage(double[] y) {
        int half = Math.max(0, y.length / 50);
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            int lo = Math.max(0, i - half);
            int hi = Math.min(y.length - 1, i + half);
            double s = 0;
            for (int j = lo; j <= hi; j++) {
                s += y[j];
            }
            out[i] = s / (hi - lo + 1);
        }
        return out;
    }

    private static String slug(String setting) {
        return setting.replaceAll("[^A-Za-z0-9.+-]+", "_");
    }
}
