package io.sparkcl.datasets.read;

import io.sparkcl.datasets.DataRoot;
import io.sparkcl.datasets.DatasetException;
import io.sparkcl.datasets.DatasetSchema;
import io.sparkcl.datasets.quarantine.SplitQuarantine;
import io.sparkcl.datasets.registry.DatasetSpec;
import io.sparkcl.datasets.registry.SourceFormat;
import io.sparkcl.datasets.registry.SourceSpec;
import io.sparkcl.datasets.registry.SplitSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads registry datasets and user data into {@link DatasetSchema#SCHEMA}, validating every row: bad rows
 * are written to the quarantine folder and counted; too many fail the read ({@link ReadOptions#maxBadRows()}).
 *
 * <p>Files are read as bytes, one task per file, and split into rows by this module (not by Spark's text
 * readers), so invalid UTF-8 is detected instead of silently replaced and each row keeps its line number.
 */
public final class DatasetReader {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetReader.class);

    private final SparkSession spark;
    private final ReadOptions options;
    private String privateQuarantineRoot;

    public DatasetReader(SparkSession spark, ReadOptions options) {
        this.spark = spark;
        this.options = options == null ? ReadOptions.defaults() : options;
    }

    /** One split of a registry dataset under {@code dataRoot} (see {@link DataRoot#resolve}). */
    public ReadResult readSplit(DatasetSpec spec, String splitName, String dataRoot) {
        SplitSpec split = spec.requireSplit(splitName);
        String path = DataRoot.child(dataRoot, split.relativePath());
        return read(spec.name(), split.name(), path, split.source(), spec.labels());
    }

    /** Every split of a registry dataset, in registry order. */
    public Map<String, ReadResult> readAll(DatasetSpec spec, String dataRoot) {
        Map<String, ReadResult> out = new LinkedHashMap<>();
        for (SplitSpec s : spec.splits()) {
            out.put(s.name(), readSplit(spec, s.name(), dataRoot));
        }
        return out;
    }

    /** A user's data file as split {@code splitName} (train, dev, test, …). */
    public ReadResult readUserData(UserDataOptions user, String splitName) {
        SourceFormat format = user.format() == null || user.format() == SourceFormat.JSON_ARRAY
                ? detectFormat(user.datasetName(), splitName, user.path(), user.format()) : user.format();
        SourceSpec source = new SourceSpec(format, null, user.textColumn(), user.textPairColumn(),
                user.labelColumn(), user.idColumn() == null ? null : user.idColumn().name(),
                user.idColumn() == null || user.idColumn().required());
        return read(user.datasetName(), splitName, user.path(), source, user.labels());
    }

    /**
     * The general entry point.
     *
     * @param labels label order; null to use the sorted distinct labels found (labelled sources only)
     */
    public ReadResult read(String dataset, String split, String path, SourceSpec source, List<String> labels) {
        List<FileStatus> files = listFiles(dataset, split, path);
        JavaRDD<RawRecord> raw;
        boolean fileInId = files.size() > 1;
        if (source.format() == SourceFormat.PARQUET) {
            raw = parquetRecords(dataset, split, path, source);
            fileInId = false; // Parquet row numbers are global over the files
        } else {
            if (source.hasHeader()) {
                checkHeader(dataset, split, files.get(0), source);
            } else if (source.fixedColumns() != null) {
                checkColumns(dataset, split, path, source, source.fixedColumns());
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            raw = jsc.binaryFiles(path, 1).flatMap(new RecordExtractor(source));
            if (source.format() == SourceFormat.JSON_ARRAY || source.format() == SourceFormat.JSON_LINES) {
                checkJsonColumns(dataset, split, path, source, raw);
            }
        }
        List<String> labelOrder = labels;
        if (source.labelled() && labelOrder == null) {
            labelOrder = inferLabels(raw, source.labelColumn());
            LOG.info("{}/{}: no label order given; using the sorted distinct labels {}", dataset, split, labelOrder);
        }
        if (labelOrder == null) {
            labelOrder = List.of();
        }
        JavaRDD<Row> rows = raw.map(new RecordMapper(dataset, split, source, labelOrder, fileInId));
        Dataset<Row> validated = spark.createDataFrame(rows, DatasetSchema.VALIDATION_SCHEMA)
                .persist(StorageLevel.MEMORY_AND_DISK());
        if (source.idColumn() != null) {
            validated = RepeatedIds.quarantine(validated);
        }
        SplitQuarantine report = quarantine(dataset, split, path, validated, labelOrder);
        if (report.totalRows() == 0) {
            validated.unpersist();
            throw new DatasetException("dataset " + dataset + " split " + split + ": " + path + " contains no rows");
        }
        if (options.maxBadRows().exceeded(report.badRows(), report.totalRows())) {
            validated.unpersist();
            throw new DatasetException(String.format(java.util.Locale.ROOT,
                    "dataset %s split %s: %d of %d rows are bad (%.2f%%), more than --max-bad-rows %s allows; "
                            + "reasons %s; the bad rows are in %s", dataset, split, report.badRows(),
                    report.totalRows(), 100.0 * report.badRows() / report.totalRows(), options.maxBadRows(),
                    report.badByReason(), report.quarantinePath()));
        }
        Dataset<Row> good = validated.filter(functions.col(DatasetSchema.badReasonColumn()).isNull())
                .select(Arrays.stream(DatasetSchema.SCHEMA.fieldNames()).map(functions::col).toArray(Column[]::new));
        // Re-apply the public schema so id/text/split are declared non-null.
        Dataset<Row> data = spark.createDataFrame(good.javaRDD(), DatasetSchema.SCHEMA);
        LOG.info("{}/{}: {} rows, {} bad", dataset, split, report.goodRows(), report.badRows());
        return new ReadResult(data, labelOrder, report, validated);
    }

    private SplitQuarantine quarantine(String dataset, String split, String path, Dataset<Row> validated,
                                       List<String> labels) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        Map<Integer, Long> goodPerLabel = new java.util.HashMap<>();
        long total = 0;
        String reasonCol = DatasetSchema.badReasonColumn();
        String labelIdCol = DatasetSchema.LABEL_ID;
        for (Row r : validated.groupBy(reasonCol, labelIdCol).count().collectAsList()) {
            long n = r.getLong(2);
            total += n;
            if (!r.isNullAt(0)) {
                byReason.merge(r.getString(0), n, Long::sum);
            } else if (!r.isNullAt(1)) {
                goodPerLabel.merge(r.getInt(1), n, Long::sum);
            }
        }
        List<String> emptyClasses = new ArrayList<>();
        for (int k = 0; k < labels.size() && !goodPerLabel.isEmpty(); k++) {
            if (!goodPerLabel.containsKey(k)) {
                emptyClasses.add(labels.get(k));
            }
        }
        if (!emptyClasses.isEmpty()) {
            LOG.warn("{}/{}: no rows of class(es) {} of the label order {}", dataset, split, emptyClasses, labels);
        }
        String root = quarantineRoot();
        String target = DataRoot.child(DataRoot.child(root, dataset), split);
        QuarantineFolder.requireNoLinks(root, target, spark.sparkContext().hadoopConfiguration());
        if (byReason.isEmpty()) {
            deleteIfExists(target); // no stale quarantine from an earlier run
            return new SplitQuarantine(dataset, split, path, total, byReason, null, emptyClasses);
        }
        validated.filter(functions.col(reasonCol).isNotNull())
                .select(functions.col(DatasetSchema.sourceFileColumn()).as("file"),
                        functions.col(DatasetSchema.sourceRowColumn()).as("row"),
                        functions.col(reasonCol).as("reason"),
                        functions.col(DatasetSchema.badDetailColumn()).as("detail"),
                        functions.col(DatasetSchema.rawColumn()).as("raw"),
                        functions.col(DatasetSchema.rawBase64Column()).as("raw_base64"))
                .orderBy("file", "row")
                .coalesce(1)
                .write().mode(SaveMode.Overwrite).json(target);
        long bad = byReason.values().stream().mapToLong(Long::longValue).sum();
        LOG.warn("{}/{}: {} bad rows {} quarantined in {}", dataset, split, bad, byReason, target);
        return new SplitQuarantine(dataset, split, path, total, byReason, target, emptyClasses);
    }

    /** The configured quarantine folder, else a private folder created for this reader (never a fixed path). */
    private synchronized String quarantineRoot() {
        if (options.quarantineDir() != null) {
            return options.quarantineDir();
        }
        if (privateQuarantineRoot == null) {
            privateQuarantineRoot = QuarantineFolder.createPrivate();
        }
        return privateQuarantineRoot;
    }

    private List<FileStatus> listFiles(String dataset, String split, String path) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matched = fs.globStatus(p);
            if (matched == null || matched.length == 0) {
                throw new DatasetException("dataset " + dataset + " split " + split + ": file not found: " + path);
            }
            List<FileStatus> files = new ArrayList<>();
            for (FileStatus st : matched) {
                if (st.isDirectory()) {
                    for (FileStatus child : fs.listStatus(st.getPath())) {
                        String name = child.getPath().getName();
                        if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                            files.add(child);
                        }
                    }
                } else {
                    files.add(st);
                }
            }
            if (files.isEmpty()) {
                throw new DatasetException("dataset " + dataset + " split " + split + ": no data files in " + path);
            }
            files.sort(Comparator.comparing(f -> f.getPath().toString()));
            return files;
        } catch (IOException e) {
            throw new DatasetException("dataset " + dataset + " split " + split + ": cannot list " + path + ": "
                    + e.getMessage(), e);
        }
    }

    private void deleteIfExists(String target) {
        try {
            Path p = new Path(target);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(p)) {
                fs.delete(p, true);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the old quarantine folder {}: {}", target, e.getMessage());
        }
    }

    private void checkHeader(String dataset, String split, FileStatus file, SourceSpec source) {
        String header = firstLine(file);
        if (header == null) {
            throw new DatasetException("dataset " + dataset + " split " + split + ": " + file.getPath()
                    + " is empty (expected a header line)");
        }
        List<String> columns;
        try {
            columns = source.format() == SourceFormat.CSV ? DelimitedLine.splitCsv(header) : DelimitedLine.splitTsv(header);
        } catch (IllegalArgumentException e) {
            throw new DatasetException("dataset " + dataset + " split " + split + ": cannot parse the header of "
                    + file.getPath() + ": " + e.getMessage());
        }
        checkColumns(dataset, split, file.getPath().toString(), source, columns);
    }

    private static void checkColumns(String dataset, String split, String where, SourceSpec source,
                                     java.util.Collection<String> available) {
        Map<String, String> wanted = wantedColumns(source);
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            if (!available.contains(w.getKey())) {
                throw new DatasetException("dataset " + dataset + " split " + split + ": " + w.getValue() + " '"
                        + w.getKey() + "' not found in " + where + "; available columns: "
                        + String.join(", ", available));
            }
        }
    }

    private static Map<String, String> wantedColumns(SourceSpec source) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(source.textColumn(), "text column");
        if (source.textPairColumn() != null) {
            wanted.put(source.textPairColumn(), "text pair column");
        }
        if (source.labelColumn() != null) {
            wanted.put(source.labelColumn(), "label column");
        }
        if (source.requiredIdColumn() != null) {
            wanted.put(source.requiredIdColumn(), "id column");
        }
        return wanted;
    }

    /**
     * JSON has no header: look at the first parsed rows; a column that none of them has is a wrong column
     * name (an error), while a column missing from single rows later is a bad row.
     */
    private static void checkJsonColumns(String dataset, String split, String path, SourceSpec source,
                                         JavaRDD<RawRecord> raw) {
        List<RawRecord> sample = raw.filter(r -> r.fields() != null).take(20);
        if (sample.isEmpty()) {
            return; // every row is bad: the quarantine report says why
        }
        Set<String> seen = new LinkedHashSet<>();
        sample.forEach(r -> seen.addAll(r.fields().keySet()));
        checkColumns(dataset, split, path + " (first " + sample.size() + " rows)", source, seen);
    }

    private JavaRDD<RawRecord> parquetRecords(String dataset, String split, String path, SourceSpec source) {
        Dataset<Row> pq = spark.read().parquet(path);
        checkColumns(dataset, split, path, source, Arrays.asList(pq.columns()));
        String[] names = pq.columns();
        Map<String, FieldKind> kinds = new LinkedHashMap<>();
        for (org.apache.spark.sql.types.StructField field : pq.schema().fields()) {
            FieldKind kind = ParquetKinds.of(field.dataType());
            if (kind != FieldKind.STRING) {
                kinds.put(field.name(), kind);
            }
        }
        Dataset<Row> withFile = pq.withColumn("__file", functions.input_file_name());
        return withFile.javaRDD().zipWithIndex().map(t -> {
            Row row = t._1();
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                Object v = row.get(i);
                // binary values are kept as base64 for the quarantine file (they are a wrong_type anyway)
                fields.put(names[i], v == null ? null
                        : v instanceof byte[] b ? Utf8.base64(b, 0, b.length) : v.toString());
            }
            String file = row.getString(names.length);
            return RawRecord.typed(file, t._2() + 1, fields.toString(), fields, kinds);
        });
    }

    /**
     * The distinct labels of string or integer type; integer-typed labels count only when no label is a
     * non-integer string (a JSON {@code 1} among "positive"/"negative" is a wrong type, not a new class).
     */
    private static List<String> inferLabels(JavaRDD<RawRecord> raw, String labelColumn) {
        List<scala.Tuple2<String, FieldKind>> distinct = raw
                .filter(r -> r.fields() != null && r.fields().get(labelColumn) != null
                        && !r.fields().get(labelColumn).isBlank())
                .map(r -> new scala.Tuple2<>(r.fields().get(labelColumn).trim(), r.kind(labelColumn)))
                .filter(t -> t._2() == FieldKind.STRING || t._2() == FieldKind.INTEGER)
                .distinct()
                .collect();
        List<String> strings = distinct.stream().filter(t -> t._2() == FieldKind.STRING).map(scala.Tuple2::_1).toList();
        boolean integersValid = strings.isEmpty() || RecordMapper.allIntegers(strings);
        return sortLabels(distinct.stream().filter(t -> integersValid || t._2() == FieldKind.STRING)
                .map(scala.Tuple2::_1).distinct().toList());
    }

    /** Numerically when every label is an integer, else lexicographically. */
    public static List<String> sortLabels(List<String> labels) {
        List<String> out = new ArrayList<>(labels);
        boolean numeric = RecordMapper.allIntegers(out);
        if (numeric) {
            out.sort(Comparator.comparingLong(Long::parseLong));
        } else {
            out.sort(Comparator.naturalOrder());
        }
        return out;
    }

    private String firstLine(FileStatus file) {
        try (FSDataInputStream in = file.getPath().getFileSystem(spark.sparkContext().hadoopConfiguration())
                .open(file.getPath())) {
            byte[] line = new ByteLineReader(in).next();
            if (line == null) {
                return null;
            }
            String s = new String(line, StandardCharsets.UTF_8);
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file.getPath() + ": " + e.getMessage(), e);
        }
    }

    /** From the extension unless given; "json" is a JSON array or JSON lines depending on the first character. */
    private SourceFormat detectFormat(String dataset, String split, String path, SourceFormat given) {
        List<FileStatus> files = listFiles(dataset, split, path);
        String name = files.get(0).getPath().getName();
        SourceFormat guess = given != null ? given : SourceFormat.fromFileName(name);
        if (guess == SourceFormat.JSON_ARRAY) {
            String first = firstLine(files.get(0));
            String trimmed = first == null ? "" : first.trim();
            if (trimmed.startsWith("{")) {
                return SourceFormat.JSON_LINES;
            }
        }
        return guess;
    }
}
