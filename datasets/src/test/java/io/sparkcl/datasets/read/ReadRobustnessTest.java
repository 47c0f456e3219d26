package io.sparkcl.datasets.read;

import io.sparkcl.datasets.DatasetException;
import io.sparkcl.datasets.TestSupport;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.registry.SourceFormat;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows that used to be read silently wrong (issue 13, items 1, 9, 10, 12 and the split named "?"). */
class ReadRobustnessTest {
    private static SparkSession spark;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("read-robustness");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static DatasetReader reader(String name) {
        return new DatasetReader(spark, new ReadOptions(tmp.resolve("q-" + name).toUri().toString(),
                BadRowThreshold.parse("0.9")));
    }

    private static Path write(String name, String content) throws Exception {
        Path f = tmp.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static Map<String, String> textsById(ReadResult r) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Row row : r.data().collectAsList()) {
            out.put(row.getString(0), row.getString(1));
        }
        return out;
    }

    @Test
    void csvQuotedNewlinesAreOneRecordAsRfc4180Says() throws Exception {
        // row 2's text spans three lines; its continuation "b,c" would look like a 2-column row on its own
        Path f = write("multiline.csv", "text,label\n"
                + "plain,pos\n"
                + "\"first line\nb,c\nlast \"\"quoted\"\"\",neg\n"
                + "after,pos\n");
        ReadResult r = reader("csv").readUserData(UserDataOptions.of(f.toUri().toString()), "train");
        assertEquals(3, r.quarantine().totalRows());
        assertEquals(0, r.quarantine().badRows());
        assertEquals(List.of("plain", "first line\nb,c\nlast \"quoted\"", "after"),
                List.copyOf(textsById(r).values()));
        // the id names the record's first line
        assertTrue(textsById(r).containsKey("data:train:3"), textsById(r).toString());
    }

    @Test
    void csvQuoteLeftOpenAtEndOfFileIsQuarantined() throws Exception {
        Path f = write("open.csv", "text,label\nfine,pos\n\"never closed,neg\nx,pos\n");
        ReadResult r = reader("open").readUserData(UserDataOptions.of(f.toUri().toString()), "train");
        assertEquals(1, r.quarantine().goodRows());
        assertEquals(Map.of("malformed_row", 1L), r.quarantine().badByReason());
    }

    @Test
    void jsonValuesOfTheWrongTypeAreQuarantined() throws Exception {
        Path f = write("types.jsonl", String.join("\n",
                "{\"text\": \"good one\", \"label\": \"pos\"}",
                "{\"text\": 12345, \"label\": \"pos\"}",
                "{\"text\": {\"nested\": \"object\"}, \"label\": \"neg\"}",
                "{\"text\": [\"a\"], \"label\": \"neg\"}",
                "{\"text\": true, \"label\": \"neg\"}",
                "{\"text\": \"numeric label among strings\", \"label\": 1}",
                "{\"text\": \"good two\", \"label\": \"neg\"}") + "\n");
        ReadResult r = reader("json").readUserData(UserDataOptions.of(f.toUri().toString()), "train");
        assertEquals(List.of("neg", "pos"), r.labels());
        assertEquals(2, r.quarantine().goodRows());
        assertEquals(Map.of("wrong_type", 5L), r.quarantine().badByReason());
    }

    @Test
    void integerJsonLabelsAreFineWhenEveryLabelIsAnInteger() throws Exception {
        Path f = write("ints.jsonl", "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 1}\n"
                + "{\"text\": \"c\", \"label\": 1.5}\n");
        ReadResult r = reader("ints").readUserData(UserDataOptions.of(f.toUri().toString()), "train");
        assertEquals(List.of("0", "1"), r.labels());
        assertEquals(Map.of("wrong_type", 1L), r.quarantine().badByReason());
    }

    @Test
    void parquetColumnsOfTheWrongTypeAreQuarantined() {
        StructType schema = new StructType().add("text", DataTypes.StringType).add("label", DataTypes.DoubleType);
        String good = tmp.resolve("double-label.parquet").toUri().toString();
        spark.createDataFrame(List.of(RowFactory.create("a", 0.0), RowFactory.create("b", 1.0)), schema)
                .write().parquet(good);
        DatasetReader strict = new DatasetReader(spark, new ReadOptions(tmp.resolve("q-pq").toUri().toString(),
                BadRowThreshold.parse("0")));
        DatasetException e = assertThrows(DatasetException.class,
                () -> strict.readUserData(UserDataOptions.of(good), "train"));
        assertTrue(e.getMessage().contains("wrong_type"), e.getMessage());

        StructType intText = new StructType().add("text", DataTypes.IntegerType).add("label", DataTypes.LongType)
                .add("blob", DataTypes.BinaryType);
        String ints = tmp.resolve("int-text.parquet").toUri().toString();
        spark.createDataFrame(List.of(RowFactory.create(7, 1L, new byte[]{1}), RowFactory.create(8, 0L, new byte[]{2})),
                intText).write().parquet(ints);
        DatasetException allBad = assertThrows(DatasetException.class,
                () -> reader("pq2").readUserData(UserDataOptions.of(ints), "train"));
        assertTrue(allBad.getMessage().contains("{wrong_type=2}"), allBad.getMessage());
        // integer labels themselves are valid
        StructType okSchema = new StructType().add("text", DataTypes.StringType).add("label", DataTypes.LongType);
        String ok = tmp.resolve("long-label.parquet").toUri().toString();
        spark.createDataFrame(List.of(RowFactory.create("x", 1L), RowFactory.create("y", 0L)), okSchema)
                .write().parquet(ok);
        ReadResult okRead = reader("pq3").readUserData(UserDataOptions.of(ok), "train");
        assertEquals(List.of("0", "1"), okRead.labels());
        assertEquals(0, okRead.quarantine().badRows());
    }

    @Test
    void aClassWithoutRowsIsReported() throws Exception {
        Path f = write("one-class.jsonl", "{\"text\": \"a\", \"label\": \"positive\"}\n"
                + "{\"text\": \"b\", \"label\": \"positive\"}\n");
        ReadResult r = reader("empty").readUserData(UserDataOptions.of(f.toUri().toString())
                .withLabels(List.of("negative", "positive")), "train");
        assertEquals(List.of("negative"), r.quarantine().emptyClasses());
        assertEquals(List.of("negative"), r.quarantine().toMap().get("empty_classes"));
    }

    @Test
    void aMissingUserFileNamesItsSplit() {
        DatasetException e = assertThrows(DatasetException.class, () -> reader("missing")
                .readUserData(UserDataOptions.of(tmp.resolve("nope.jsonl").toUri().toString()), "dev"));
        assertTrue(e.getMessage().contains("split dev"), e.getMessage());
    }

    @Test
    void withoutAQuarantineFolderBadRowsGoToAFreshPrivateFolder() throws Exception {
        // a link planted at the old fixed location must not be followed
        Path victim = Files.createDirectories(tmp.resolve("victim/data/train"));
        Files.writeString(victim.resolve("important.txt"), "keep");
        Path f = write("bad-row.jsonl", "{\"text\": \"\", \"label\": \"a\"}\n{\"text\": \"ok\", \"label\": \"a\"}\n");
        DatasetReader reader = new DatasetReader(spark, new ReadOptions(null, BadRowThreshold.parse("5")));
        ReadResult r = reader.readUserData(UserDataOptions.of(f.toUri().toString()), "train");
        Path q = Path.of(java.net.URI.create(r.quarantine().quarantinePath()));
        Path root = q.getParent().getParent();
        assertNotEquals(Path.of(System.getProperty("java.io.tmpdir"), "sparkcl-quarantine"), root);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE), Files.getPosixFilePermissions(root));
        assertEquals("keep", Files.readString(victim.resolve("important.txt")));
    }

    @Test
    void aSymbolicLinkInsideTheQuarantineFolderIsNotFollowed() throws Exception {
        Path victim = Files.createDirectories(tmp.resolve("victim2/train"));
        Files.writeString(victim.resolve("important.txt"), "keep");
        Path qroot = Files.createDirectories(tmp.resolve("q-link"));
        Files.createSymbolicLink(qroot.resolve("data"), tmp.resolve("victim2"));
        Path f = write("bad-row2.jsonl", "{\"text\": \"\", \"label\": \"a\"}\n{\"text\": \"ok\", \"label\": \"a\"}\n");
        DatasetReader reader = new DatasetReader(spark, new ReadOptions(qroot.toUri().toString(),
                BadRowThreshold.parse("5")));
        DatasetException e = assertThrows(DatasetException.class,
                () -> reader.readUserData(UserDataOptions.of(f.toUri().toString()), "train"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals("keep", Files.readString(victim.resolve("important.txt")));
    }

    @Test
    void tsvIsNotAffectedByQuotes() throws Exception {
        Path f = write("q.tsv", "text\tlabel\n\"open quote\tpos\nnext\tneg\n");
        ReadResult r = reader("tsv").readUserData(new UserDataOptions(f.toUri().toString(), SourceFormat.TSV, "text",
                null, "label", null, null, "data"), "train");
        assertEquals(2, r.quarantine().goodRows());
    }
}
