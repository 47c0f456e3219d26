package io.sparkcl.datasets;

import io.sparkcl.datasets.download.DatasetDownloader;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.quarantine.SplitQuarantine;
import io.sparkcl.datasets.read.DatasetReader;
import io.sparkcl.datasets.read.ReadOptions;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.DatasetSpec;
import io.sparkcl.datasets.registry.SplitSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.File;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code sparkcl datasets list|show|download} commands as plain static methods (the CLI wires the options).
 */
public final class DatasetsTool {

    private DatasetsTool() {
    }

    /** Text lengths of one split: p50, p90, p99 and max, in whitespace tokens and in characters. */
    public record LengthStats(double[] tokens, double[] chars) {
    }

    /** What {@link #show} printed for one split. */
    public record SplitSummary(String split, long rows, long badRows, Map<String, Long> labelCounts,
                               LengthStats lengths) {
    }

    /** {@link #list(String, PrintStream)} for the default data root ({@code SPARKCL_DATA_DIR}, else the cache). */
    public static void list(PrintStream out) {
        list(null, out);
    }

    /**
     * One line per registry dataset: name, whether its files are in the data root (yes / no / partial),
     * format, number of labels, splits, description.
     */
    public static void list(String dataDir, PrintStream out) {
        String root = DataRoot.resolve(dataDir);
        DatasetDownloader local = new DatasetDownloader(root, null, new Configuration());
        out.println("data root: " + root);
        out.printf(Locale.ROOT, "%-10s %-8s %-10s %-3s %-30s %s%n", "NAME", "PRESENT", "FORMAT", "K", "SPLITS",
                "DESCRIPTION");
        for (DatasetSpec d : DatasetRegistry.all()) {
            String present;
            try {
                int missing = local.missingFiles(d).size();
                present = missing == 0 ? "yes" : missing == d.splits().size() ? "no" : "partial";
            } catch (RuntimeException e) {
                present = "?";
            }
            out.printf(Locale.ROOT, "%-10s %-8s %-10s %-3d %-30s %s%s%n", d.name(), present, d.format(),
                    d.labels().size(), String.join(",", d.splitNames()), d.description(),
                    d.downloadable() ? "" : " [manual download]");
        }
    }

    /**
     * Splits, rows, bad rows, label distribution and text-length percentiles of a registry dataset, downloading
     * it first when it is not in the data root. Bad rows are reported (and quarantined in a temporary folder),
     * never fatal here.
     */
    public static List<SplitSummary> show(SparkSession spark, String name, String dataDir, PrintStream out) {
        DatasetSpec spec = DatasetRegistry.get(name);
        String root = DataRoot.resolve(dataDir);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        new DatasetDownloader(root, conf).ensureAvailable(name);
        String quarantine = new File(System.getProperty("java.io.tmpdir"), "sparkcl-show-quarantine").toURI().toString();
        DatasetReader reader = new DatasetReader(spark, new ReadOptions(quarantine, BadRowThreshold.unlimited()));

        out.println(spec.name() + ": " + spec.description());
        out.println("data root: " + root);
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < spec.labels().size(); i++) {
            labels.append(i == 0 ? "" : ", ").append(i).append('=').append(spec.labels().get(i));
            if (!spec.labelNames().get(i).equals(spec.labels().get(i))) {
                labels.append(" (\"").append(spec.labelNames().get(i)).append("\")");
            }
        }
        out.println("labels: " + labels);
        List<SplitSummary> summaries = new java.util.ArrayList<>();
        for (SplitSpec s : spec.splits()) {
            ReadResult r = reader.readSplit(spec, s.name(), root);
            try {
                SplitSummary summary = summarise(s.name(), r);
                summaries.add(summary);
                print(out, s, r.quarantine(), summary);
            } finally {
                r.unpersist();
            }
        }
        return summaries;
    }

    /** Downloads a registry dataset into the data root (only missing files unless {@code force}). */
    public static void download(String name, String dataDir, boolean force, PrintStream out) {
        String root = DataRoot.resolve(dataDir);
        new DatasetDownloader(root, new Configuration()).download(name, force, out);
        out.println(name + ": ready in " + root);
    }

    public static void download(String name, String dataDir, PrintStream out) {
        download(name, dataDir, false, out);
    }

    static SplitSummary summarise(String split, ReadResult r) {
        Dataset<Row> data = r.data();
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<String, Long> found = new java.util.HashMap<>();
        for (Row row : data.groupBy(DatasetSchema.LABEL).count().collectAsList()) {
            found.put(row.isNullAt(0) ? null : row.getString(0), row.getLong(1));
        }
        for (String label : r.labels()) {
            if (found.containsKey(label)) {
                counts.put(label, found.get(label));
            }
        }
        if (found.containsKey(null)) {
            counts.put("(no label)", found.get(null));
        }
        return new SplitSummary(split, r.quarantine().goodRows(), r.quarantine().badRows(), counts, lengths(data));
    }

    /** Exact percentiles (Spark's {@code percentile}, linear interpolation) of text (+ pair) lengths. */
    public static LengthStats lengths(Dataset<Row> data) {
        Column text = functions.concat_ws(" ", functions.col(DatasetSchema.TEXT), functions.col(DatasetSchema.TEXT_PAIR));
        Dataset<Row> lens = data.select(
                functions.size(functions.split(functions.trim(text), "\\s+")).as("tokens"),
                functions.length(text).as("chars"));
        Row stats = lens.agg(
                functions.expr("percentile(tokens, array(0.5, 0.9, 0.99))"),
                functions.max("tokens"),
                functions.expr("percentile(chars, array(0.5, 0.9, 0.99))"),
                functions.max("chars")).first();
        return new LengthStats(four(stats.getList(0), stats.getInt(1)), four(stats.getList(2), stats.getInt(3)));
    }

    private static double[] four(List<Object> percentiles, int max) {
        return new double[]{((Number) percentiles.get(0)).doubleValue(), ((Number) percentiles.get(1)).doubleValue(),
                ((Number) percentiles.get(2)).doubleValue(), max};
    }

    private static void print(PrintStream out, SplitSpec s, SplitQuarantine q, SplitSummary sum) {
        out.printf(Locale.ROOT, "%n%s: %d rows, %d bad%s  (%s)%n", s.name(), sum.rows(), sum.badRows(),
                q.badRows() > 0 ? " " + q.badByReason() + " -> " + q.quarantinePath() : "", q.path());
        long total = Math.max(1, sum.rows());
        sum.labelCounts().forEach((label, n) -> out.printf(Locale.ROOT, "  %-16s %8d  %5.1f%%%n", label, n,
                100.0 * n / total));
        double[] t = sum.lengths().tokens();
        double[] c = sum.lengths().chars();
        out.printf(Locale.ROOT, "  length, whitespace tokens: p50 %s  p90 %s  p99 %s  max %s%n",
                num(t[0]), num(t[1]), num(t[2]), num(t[3]));
        out.printf(Locale.ROOT, "  length, characters:        p50 %s  p90 %s  p99 %s  max %s%n",
                num(c[0]), num(c[1]), num(c[2]), num(c[3]));
    }

    private static String num(double v) {
        double tenths = Math.round(v * 10) / 10.0;
        return tenths == Math.rint(tenths) ? Long.toString((long) tenths) : String.format(Locale.ROOT, "%.1f", tenths);
    }
}
