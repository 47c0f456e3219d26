package io.sparkcl.datasets.read;

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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The generic reader: JSON lines, JSON arrays, CSV and TSV with a header, Parquet; columns and label order. */
class UserDataTest {
    private static SparkSession spark;
    private static DatasetReader reader;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("user-data");
        reader = new DatasetReader(spark, new ReadOptions(tmp.resolve("q").toUri().toString(), BadRowThreshold.count(0)));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<Row> byId(ReadResult r) {
        return r.data().orderBy("id").collectAsList();
    }

    @Test
    void jsonLinesWithInferredSortedLabelsAndAnIdColumn() throws IOException {
        Path f = tmp.resolve("tickets.jsonl");
        Files.writeString(f, "{\"uid\": \"t-1\", \"body\": \"printer on fire\", \"team\": \"hardware\"}\n"
                + "{\"uid\": \"t-2\", \"body\": \"cannot log in\", \"team\": \"accounts\"}\n\n"
                + "{\"uid\": \"t-3\", \"body\": \"screen flickers\", \"team\": \"hardware\", \"extra\": [1, 2]}\n");
        ReadResult r = reader.readUserData(new UserDataOptions(f.toUri().toString(), null, "body", null, "team",
                new IdColumn("uid", true), null, "tickets"), "train");
        assertEquals(List.of("accounts", "hardware"), r.labels());
        List<Row> rows = byId(r);
        assertEquals(List.of("t-1", "t-2", "t-3"), rows.stream().map(x -> x.getString(0)).toList());
        assertEquals(List.of(1, 0, 1), rows.stream().map(x -> x.getInt(4)).toList());
        assertEquals("cannot log in", rows.get(1).getString(1));
        // .json holding one object per line is detected as JSON lines
        Path asJson = tmp.resolve("tickets.json");
        Files.copy(f, asJson);
        assertEquals(3, reader.readUserData(new UserDataOptions(asJson.toUri().toString(), null, "body", null,
                "team", new IdColumn("uid", true), List.of("hardware", "accounts"), "tickets"), "dev").data().count());
    }

    @Test
    void numericLabelsSortNumerically() throws IOException {
        Path f = tmp.resolve("stars.json");
        Files.writeString(f, "[{\"text\": \"great\", \"label\": 10}, {\"text\": \"ok\", \"label\": 2},"
                + " {\"text\": \"bad\", \"label\": 1}]");
        ReadResult r = reader.readUserData(UserDataOptions.of(f.toUri().toString()), "train");
        assertEquals(List.of("1", "2", "10"), r.labels());
        assertEquals(List.of(2, 1, 0), byId(r).stream().map(x -> x.getInt(4)).toList()); // ids data:train:1..3
    }

    @Test
    void csvWithQuotesAPairColumnAndAGivenLabelOrder() throws IOException {
        Path f = tmp.resolve("pairs.csv");
        Files.writeString(f, "premise,hypothesis,gold\n"
                + "\"A man, a plan.\",\"He said \"\"hi\"\".\",yes\n"
                + "Plain text,Other text,no\n");
        ReadResult r = reader.readUserData(new UserDataOptions(f.toUri().toString(), null, "premise", "hypothesis",
                "gold", null, List.of("yes", "no"), "pairs"), "train");
        List<Row> rows = byId(r);
        assertEquals("pairs:train:2", rows.get(0).getString(0));
        assertEquals("A man, a plan.", rows.get(0).getString(1));
        assertEquals("He said \"hi\".", rows.get(0).getString(2));
        assertEquals(0, rows.get(0).getInt(4));
        assertEquals(1, rows.get(1).getInt(4));
    }

    @Test
    void tsvFolderOfSeveralFilesGetsFileNamesInIds() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("shards"));
        Files.writeString(dir.resolve("a.tsv"), "text\tlabel\nfirst\tx\n");
        Files.writeString(dir.resolve("b.tsv"), "text\tlabel\nsecond\ty\n");
        ReadResult r = reader.readUserData(new UserDataOptions(dir.toUri().toString(), SourceFormat.TSV, "text",
                null, "label", null, null, "shards"), "train");
        assertEquals(List.of("shards:train:a.tsv:2", "shards:train:b.tsv:2"),
                byId(r).stream().map(x -> x.getString(0)).toList());
    }

    @Test
    void parquetUnlabelled() {
        StructType schema = new StructType().add("doc", DataTypes.StringType).add("n", DataTypes.IntegerType);
        String path = tmp.resolve("docs.parquet").toUri().toString();
        spark.createDataFrame(List.of(RowFactory.create("alpha", 1), RowFactory.create("beta", 2)), schema)
                .coalesce(1).write().parquet(path);
        ReadResult r = reader.readUserData(new UserDataOptions(path, null, "doc", null, null, null, null, "docs"),
                "test");
        List<Row> rows = byId(r);
        assertEquals(List.of("alpha", "beta"), rows.stream().map(x -> x.getString(1)).toList());
        assertNull(rows.get(0).get(3));
        assertEquals("docs:test:1", rows.get(0).getString(0));
    }
}
