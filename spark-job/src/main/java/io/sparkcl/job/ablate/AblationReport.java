package io.sparkcl.job.ablate;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.job.report.ReportFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The results folder of an ablation, from its finished cells:
 * <pre>
 *   results.csv       one line per (method row, setting): test accuracy and macro-F1 mean, std, seeds
 *   results.md        the table laid out like the papers' (methods down, settings across, mean ± std over
 *                     seeds, in %), and the paired comparisons
 *   paired.csv        every pair of method rows in a setting over their common seeds: mean difference of test
 *                     accuracy, its std and 95% t-interval
 *   cells/ID.json     one file per finished cell
 *   plots/*.png       {@link AblationPlots}
 * </pre>
 * A method row is the method with λ and τ when those vary; a setting is every other varied option but the seed.
 */
public final class AblationReport {
    private static final Logger LOG = LoggerFactory.getLogger(AblationReport.class);
    static final Set<ConfigKey> ROW_KEYS = Set.of(ConfigKey.METHOD, ConfigKey.LAMBDA, ConfigKey.TAU);

    private AblationReport() {
    }

    /** Rewrites the results folder from every finished cell. */
    public static void write(Ablation ablation) {
        List<CellResult> results = finished(ablation);
        Path out = new Path(ablation.root(), "results");
        Configuration conf = ablation.conf();
        for (CellResult r : results) {
            ReportFiles.writeJson(new Path(out, "cells/" + r.cell().id() + ".json"), r.toMap(ablation.root()), conf);
        }
        List<Group> groups = groups(results);
        ReportFiles.writeString(new Path(out, "results.csv"), csv(groups), conf);
        List<Paired> paired = paired(groups);
        ReportFiles.writeString(new Path(out, "paired.csv"), pairedCsv(paired), conf);
        ReportFiles.writeString(new Path(out, "results.md"), markdown(ablation, results, groups, paired), conf);
        AblationPlots.write(ablation, results, out);
        LOG.info("ablation results of {} finished cells in {}", results.size(), out);
    }

    static List<CellResult> finished(Ablation ablation) {
        List<CellResult> out = new ArrayList<>();
        for (AblationCell cell : ablation.cells()) {
            if (ablation.state(cell) == Ablation.State.FINISHED) {
                out.add(CellResult.read(cell, new RunFolder(ablation.cellFolder(cell.id()).toString(),
                        ablation.conf())));
            }
        }
        return out;
    }

    /** {@code CE}, {@code CE+SCL}, {@code DualCL}, with λ and τ when the grid varies them. */
    static String rowLabel(AblationCell cell) {
        String method = switch (cell.config().objective().method().id()) {
            case "ce" -> "CE";
            case "scl" -> "CE+SCL";
            case "dualcl" -> "DualCL";
            default -> cell.config().objective().method().id();
        };
        List<String> extra = new ArrayList<>();
        if (cell.varied().containsKey(ConfigKey.LAMBDA)) {
            extra.add("λ=" + cell.config().objective().lambda());
        }
        if (cell.varied().containsKey(ConfigKey.TAU)) {
            extra.add("τ=" + cell.config().objective().tau());
        }
        return extra.isEmpty() ? method : method + " (" + String.join(", ", extra) + ")";
    }

    /** The varied options but the seed and the method-row options, e.g. {@code dataset=sst2, fraction=0.1}. */
    static String settingLabel(AblationCell cell) {
        String s = cell.varied().entrySet().stream()
                .filter(e -> e.getKey() != ConfigKey.SEED && !ROW_KEYS.contains(e.getKey()))
                .map(e -> e.getKey().key() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return s.isEmpty() ? "all" : s;
    }

    /** The cells of one method row in one setting, over seeds. */
    record Group(String row, String setting, List<CellResult> cells) {
        SeedStats accuracy() {
            return SeedStats.of(cells.stream().map(CellResult::testAccuracy).filter(Double::isFinite).toList());
        }

        SeedStats macroF1() {
            return SeedStats.of(cells.stream().map(CellResult::testMacroF1).filter(Double::isFinite).toList());
        }

        Map<Long, Double> accuracyBySeed() {
            Map<Long, Double> m = new LinkedHashMap<>();
            cells.forEach(c -> m.put(c.cell().config().schedule().seed(), c.testAccuracy()));
            return m;
        }
    }

    static List<Group> groups(List<CellResult> results) {
        Map<List<String>, List<CellResult>> byKey = new LinkedHashMap<>();
        for (CellResult r : results) {
            byKey.computeIfAbsent(List.of(rowLabel(r.cell()), settingLabel(r.cell())), k -> new ArrayList<>()).add(r);
        }
        List<Group> out = new ArrayList<>();
        byKey.forEach((k, v) -> out.add(new Group(k.get(0), k.get(1), v)));
        return out;
    }

    /** Method B minus method A on the seeds both have, in one setting. */
    record Paired(String setting, String a, String b, List<Long> seeds, SeedStats difference) {
    }

    static List<Paired> paired(List<Group> groups) {
        List<Paired> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            for (int j = i + 1; j < groups.size(); j++) {
                Group a = groups.get(i);
                Group b = groups.get(j);
                if (!a.setting().equals(b.setting())) {
                    continue;
                }
                Map<Long, Double> sa = a.accuracyBySeed();
                Map<Long, Double> sb = b.accuracyBySeed();
                List<Long> seeds = sa.keySet().stream().filter(sb::containsKey).sorted().toList();
                List<Double> diffs = seeds.stream().map(s -> sb.get(s) - sa.get(s)).filter(Double::isFinite).toList();
                if (!diffs.isEmpty()) {
                    out.add(new Paired(a.setting(), a.row(), b.row(), seeds, SeedStats.of(diffs)));
                }
            }
        }
        return out;
    }

    static String csv(List<Group> groups) {
        StringBuilder sb = new StringBuilder("method,setting,seeds,test_accuracy_mean,test_accuracy_std,"
                + "test_macro_f1_mean,test_macro_f1_std\n");
        for (Group g : groups) {
            SeedStats acc = g.accuracy();
            SeedStats f1 = g.macroF1();
            sb.append(quote(g.row())).append(',').append(quote(g.setting())).append(',').append(acc.n()).append(',')
                    .append(num(acc.mean())).append(',').append(num(acc.std())).append(',').append(num(f1.mean()))
                    .append(',').append(num(f1.std())).append('\n');
        }
        return sb.toString();
    }

    static String pairedCsv(List<Paired> paired) {
        StringBuilder sb = new StringBuilder("setting,method_a,method_b,seeds,mean_difference_b_minus_a,"
                + "std_difference,ci95_low,ci95_high\n");
        for (Paired p : paired) {
            SeedStats d = p.difference();
            sb.append(quote(p.setting())).append(',').append(quote(p.a())).append(',').append(quote(p.b())).append(',')
                    .append(d.n()).append(',').append(num(d.mean())).append(',').append(num(d.std())).append(',')
                    .append(num(d.mean() - d.halfWidth95())).append(',').append(num(d.mean() + d.halfWidth95()))
                    .append('\n');
        }
        return sb.toString();
    }

    static String markdown(Ablation ablation, List<CellResult> results, List<Group> groups, List<Paired> paired) {
        List<String> rows = groups.stream().map(Group::row).distinct().toList();
        List<String> settings = groups.stream().map(Group::setting).distinct().toList();
        // what the cells' runs actually did (a cell with --dev-fraction 0 keeps its final model)
        String selection = String.join("; ", results.stream().map(CellResult::selectionRule).distinct().toList());
        StringBuilder sb = new StringBuilder("# Ablation results\n\n");
        sb.append(String.format(Locale.ROOT, "%d of %d cells finished. Test accuracy (%%) of the model chosen by: %s; "
                + "mean ± standard deviation over seeds (n seeds in brackets).%n%n",
                results.size(), ablation.cells().size(), selection));
        sb.append("| method |");
        settings.forEach(s -> sb.append(' ').append(s).append(" |"));
        sb.append("\n|---|");
        settings.forEach(s -> sb.append("---|"));
        sb.append('\n');
        for (String row : rows) {
            sb.append("| ").append(row).append(" |");
            for (String s : settings) {
                Group g = groups.stream().filter(x -> x.row().equals(row) && x.setting().equals(s)).findFirst()
                        .orElse(null);
                sb.append(' ').append(g == null ? "–" : g.accuracy().percent() + " (" + g.accuracy().n() + ")")
                        .append(" |");
            }
            sb.append('\n');
        }
        if (!paired.isEmpty()) {
            sb.append("\n## Paired comparisons (same seeds)\n\nDifference of test accuracy B − A in points, mean ± "
                    + "std over the common seeds, and its 95% t-interval: a gap whose interval contains 0 is within "
                    + "seed noise.\n\n| setting | A | B | seeds | B − A | 95% interval |\n|---|---|---|---|---|---|\n");
            for (Paired p : paired) {
                SeedStats d = p.difference();
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s |%n", p.setting(), p.a(), p.b(),
                        d.n(), signed(d), Double.isNaN(d.halfWidth95()) ? "–" : String.format(Locale.ROOT,
                                "[%+.2f, %+.2f]", 100 * (d.mean() - d.halfWidth95()),
                                100 * (d.mean() + d.halfWidth95()))));
            }
        }
        return sb.toString();
    }

    private static String signed(SeedStats d) {
        return Double.isNaN(d.std()) ? String.format(Locale.ROOT, "%+.2f", 100 * d.mean())
                : String.format(Locale.ROOT, "%+.2f ± %.2f", 100 * d.mean(), 100 * d.std());
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
