package io.sparkcl.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.datasets.DatasetException;
import io.sparkcl.datasets.TestSupport;
import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.quarantine.SplitQuarantine;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.SourceFormat;
import io.sparkcl.datasets.registry.SourceSpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Planted bad rows end up in the quarantine folder with the right reasons; good rows come through intact. */
class QuarantineTest {
    private static final byte[] BAD_UTF8 = {(byte) 0xC3, (byte) 0x28}; // 0xC3 needs a continuation byte
    private static SparkSession spark;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("quarantine");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof byte[] bytes ? bytes : p.toString().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static DatasetReader reader(String name, BadRowThreshold threshold) {
        return new DatasetReader(spark, new ReadOptions(tmp.resolve("q-" + name).toUri().toString(), threshold));
    }

    /** (row -> reason) of the quarantine JSON lines, checking every line names its file and keeps the raw row. */
    private static Map<Long, String> quarantined(SplitQuarantine q, String expectedFile) throws IOException {
        Path dir = Path.of(java.net.URI.create(q.quarantinePath()));
        Map<Long, String> out = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        List<Path> parts;
        try (Stream<Path> s = Files.list(dir)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
        }
        for (Path p : parts) {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                JsonNode n = json.readTree(line);
                assertTrue(n.get("file").asText().endsWith(expectedFile), line);
                assertNotNull(n.get("raw"), line);
                assertFalse(n.get("detail").asText().isBlank(), line);
                out.put(n.get("row").asLong(), n.get("reason").asText());
            }
        }
        return out;
    }

    @Test
    void jsonArrayWithPlantedBadRows() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("json/dualcl"));
        Files.write(dir.resolve("SST2_Train.json"), concat(
                "[\n",
                "  {\"text\": \"a fine film\", \"label\": \"positive\"},\n",                 // 1 good
                "  {\"text\": \"caf", BAD_UTF8, "\", \"label\": \"negative\"},\n",          // 2 invalid utf-8
                "  {\"text\": \"broken\", \"label\": },\n",                                 // 3 malformed
                "  {\"text\": \"   \", \"label\": \"negative\"},\n",                         // 4 empty text
                "  {\"text\": \"meh\", \"label\": \"neutral\"},\n",                          // 5 unknown label
                "  {\"text\": \"no label here\"},\n",                                       // 6 missing column
                "  {\"text\": \"with [brackets], {braces} and \\\"quotes\\\"\", \"label\": \"negative\"},\n", // 7 good
                "  {\"text\": \"null label\", \"label\": null},\n",                          // 8 missing label
                "  \"just a string\",\n",                                                    // 9 not an object
                "  {\"text\": \"the end\", \"label\": \"positive\"}\n",                      // 10 good
                "]\n"));
        ReadResult r = reader("json", BadRowThreshold.unlimited())
                .readSplit(DatasetRegistry.get("sst2"), "train", tmp.resolve("json").toUri().toString());

        SplitQuarantine q = r.quarantine();
        assertEquals(10, q.totalRows());
        assertEquals(3, q.goodRows());
        assertEquals(Map.of("invalid_utf8", 1L, "malformed_row", 2L, "empty_text", 1L, "unknown_label", 1L,
                "missing_column", 1L, "missing_label", 1L), q.badByReason());
        assertEquals(Map.of(2L, "invalid_utf8", 3L, "malformed_row", 4L, "empty_text", 5L, "unknown_label",
                6L, "missing_column", 8L, "missing_label", 9L, "malformed_row"), quarantined(q, "SST2_Train.json"));

        List<Row> good = r.data().orderBy("id").collectAsList();
        assertEquals(List.of("sst2:train:1", "sst2:train:10", "sst2:train:7"), good.stream().map(x -> x.getString(0)).toList());
        assertEquals("a fine film", good.get(0).getString(1));
        assertEquals(0, good.get(0).getInt(4));
        assertEquals("with [brackets], {braces} and \"quotes\"", good.get(2).getString(1));
        assertEquals(1, good.get(2).getInt(4));
    }

    @Test
    void tsvWithPlantedBadRows() throws IOException {
        Path file = tmp.resolve("tsv/glue/RTE/train.tsv");
        Files.createDirectories(file.getParent());
        Files.write(file, concat(
                "index\tsentence1\tsentence2\tlabel\n",
                "0\tA man sleeps.\tA person rests.\tentailment\n",          // line 2 good
                "1\tonly three\tcolumns\n",                                  // line 3 wrong column count
                "2\tna", BAD_UTF8, "ve\tb\tentailment\n",                   // line 4 invalid utf-8
                "3\tA dog runs.\t \tnot_entailment\n",                      // line 5 empty text pair
                "4\tIt rains.\tIt is wet.\tmaybe\n",                        // line 6 unknown label
                "5\tThe \"quoted\" one.\tNo quotes, commas.\tnot_entailment\r\n", // line 7 good, CRLF
                "\n",                                                       // line 8 empty: not a row
                "6\tLast.\tFinal.\tentailment\n"));                         // line 9 good
        ReadResult r = reader("tsv", BadRowThreshold.unlimited())
                .readSplit(DatasetRegistry.get("glue-rte"), "train", tmp.resolve("tsv").toUri().toString());
        SplitQuarantine q = r.quarantine();
        assertEquals(7, q.totalRows());
        assertEquals(Map.of(3L, "wrong_column_count", 4L, "invalid_utf8", 5L, "empty_text", 6L, "unknown_label"),
                quarantined(q, "train.tsv"));
        List<Row> good = r.data().orderBy("id").collectAsList();
        assertEquals(3, good.size());
        assertEquals("glue-rte:train:2", good.get(0).getString(0));
        assertEquals("A man sleeps.", good.get(0).getString(1));
        assertEquals("A person rests.", good.get(0).getString(2));
        assertEquals("The \"quoted\" one.", good.get(1).getString(1));
        assertEquals("No quotes, commas.", good.get(1).getString(2));
        assertEquals("not_entailment", good.get(1).getString(3));
        assertEquals(1, good.get(1).getInt(4));
        assertEquals("glue-rte:train:9", good.get(2).getString(0));
    }

    @Test
    void thresholdTurnsTooManyBadRowsIntoAFailure() throws IOException {
        Path file = tmp.resolve("threshold/data.jsonl");
        Files.createDirectories(file.getParent());
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add("{\"text\": \"row " + i + "\", \"label\": \"" + (i % 2 == 0 ? "a" : "b") + "\"}");
        }
        lines.add("{\"text\": \"\", \"label\": \"a\"}");
        lines.add("{not json");
        Files.write(file, lines);
        UserDataOptions user = new UserDataOptions(file.toUri().toString(), null, "text", null, "label", null,
                List.of("a", "b"), "mine");
        // 2 bad of 10: allowed by a count of 2 and by 20%, refused by a count of 1 and by 10%.
        assertEquals(8, reader("t1", BadRowThreshold.parse("2")).readUserData(user, "train").data().count());
        assertEquals(8, reader("t2", BadRowThreshold.parse("20%")).readUserData(user, "train").data().count());
        DatasetException count = assertThrows(DatasetException.class,
                () -> reader("t3", BadRowThreshold.parse("1")).readUserData(user, "train"));
        assertTrue(count.getMessage().contains("2 of 10 rows are bad"), count.getMessage());
        assertTrue(count.getMessage().contains("--max-bad-rows 1"), count.getMessage());
        assertTrue(count.getMessage().contains("mine/train"), count.getMessage()); // names the quarantine folder
        DatasetException fraction = assertThrows(DatasetException.class,
                () -> reader("t4", BadRowThreshold.parse("0.1")).readUserData(user, "train"));
        assertTrue(fraction.getMessage().contains("--max-bad-rows 10%"), fraction.getMessage());
    }

    @Test
    void missingFileNamesThePath() {
        String root = tmp.resolve("nothing-here").toUri().toString();
        DatasetException e = assertThrows(DatasetException.class,
                () -> reader("missing", BadRowThreshold.DEFAULT).readSplit(DatasetRegistry.get("trec"), "train", root));
        assertTrue(e.getMessage().contains("file not found"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing-here/dualcl/TREC_Train.json"), e.getMessage());
    }

    @Test
    void wrongColumnNameListsTheAvailableOnes() throws IOException {
        Path tsv = tmp.resolve("cols/pairs.tsv");
        Files.createDirectories(tsv.getParent());
        Files.writeString(tsv, "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tyes\n");
        SourceSpec wrong = new SourceSpec(SourceFormat.TSV, null, "sentence", "sentence2", "label", null);
        DatasetException e = assertThrows(DatasetException.class, () -> reader("cols", BadRowThreshold.DEFAULT)
                .read("pairs", "train", tsv.toUri().toString(), wrong, null));
        assertTrue(e.getMessage().contains("text column 'sentence' not found"), e.getMessage());
        assertTrue(e.getMessage().contains("available columns: index, sentence1, sentence2, label"), e.getMessage());

        Path jsonl = tmp.resolve("cols/rows.jsonl");
        Files.writeString(jsonl, "{\"body\": \"x\", \"label\": \"a\"}\n{\"body\": \"y\", \"label\": \"b\"}\n");
        UserDataOptions user = new UserDataOptions(jsonl.toUri().toString(), null, "text", null, "label", null, null, "rows");
        DatasetException j = assertThrows(DatasetException.class,
                () -> reader("cols2", BadRowThreshold.DEFAULT).readUserData(user, "train"));
        assertTrue(j.getMessage().contains("text column 'text' not found"), j.getMessage());
        assertTrue(j.getMessage().contains("available columns: body, label"), j.getMessage());
    }
}
