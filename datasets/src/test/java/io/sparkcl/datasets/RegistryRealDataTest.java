package io.sparkcl.datasets;

import io.sparkcl.datasets.quarantine.BadRowThreshold;
import io.sparkcl.datasets.read.DatasetReader;
import io.sparkcl.datasets.read.ReadOptions;
import io.sparkcl.datasets.read.ReadResult;
import io.sparkcl.datasets.registry.DatasetRegistry;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Row counts and label distributions of every split in the shared data equal its README table. */
class RegistryRealDataTest {
    private static SparkSession spark;
    @TempDir
    static Path quarantine;
    private static DatasetReader reader;

    @BeforeAll
    static void start() {
        spark = TestSupport.spark("registry-real-data");
        reader = new DatasetReader(spark, new ReadOptions(quarantine.toUri().toString(), BadRowThreshold.count(0)));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Map<String, Long> distribution(ReadResult r) {
        Map<String, Long> m = new TreeMap<>();
        for (Row row : r.data().groupBy("label").count().collectAsList()) {
            m.put(row.isNullAt(0) ? "<null>" : row.getString(0), row.getLong(1));
        }
        return m;
    }

    private static ReadResult read(String name, String split) {
        return reader.readSplit(DatasetRegistry.get(name), split, TestSupport.sharedDataRoot());
    }

    @Test
    void dualclSst2() {
        assertEquals(Map.of("positive", 3893L, "negative", 3554L), distribution(read("sst2", "train")));
        assertEquals(Map.of("positive", 909L, "negative", 912L), distribution(read("sst2", "test")));
    }

    @Test
    void dualclCr() {
        assertEquals(Map.of("positive", 2165L, "negative", 1229L), distribution(read("cr", "train")));
        assertEquals(Map.of("positive", 240L, "negative", 136L), distribution(read("cr", "test")));
    }

    @Test
    void dualclTrecWithLabelIdsInReadmeOrder() {
        ReadResult train = read("trec", "train");
        assertEquals(List.of("description", "entity", "abbreviation", "human", "location", "numeric"), train.labels());
        assertEquals(Map.of("entity", 1250L, "human", 1223L, "description", 1162L, "numeric", 896L,
                "location", 835L, "abbreviation", 86L), distribution(train));
        assertEquals(Map.of("description", 138L, "numeric", 113L, "entity", 94L, "location", 81L,
                "human", 65L, "abbreviation", 9L), distribution(read("trec", "test")));
        // label_id is the index in the label order, for every row
        for (Row r : train.data().select("label", "label_id").distinct().collectAsList()) {
            assertEquals(train.labels().indexOf(r.getString(0)), r.getInt(1));
        }
        Row first = train.data().filter("id = 'trec:train:1'").first();
        assertEquals("how did serfdom develop in and then leave russia ?", first.getString(1));
        assertEquals("description", first.getString(3));
        assertEquals(0, first.getInt(4));
        assertEquals("train", first.getString(5));
    }

    @Test
    void glueSst2() {
        assertEquals(Map.of("0", 29780L, "1", 37569L), distribution(read("glue-sst2", "train")));
        assertEquals(Map.of("0", 428L, "1", 444L), distribution(read("glue-sst2", "dev")));
        ReadResult test = read("glue-sst2", "test");
        assertEquals(Map.of("<null>", 1821L), distribution(test));
        assertEquals(0, test.data().filter("label_id is not null").count());
    }

    @Test
    void glueRtePairs() {
        ReadResult train = read("glue-rte", "train");
        assertEquals(Map.of("entailment", 1249L, "not_entailment", 1241L), distribution(train));
        assertEquals(0, train.data().filter("text_pair is null").count());
        assertEquals(Map.of("entailment", 146L, "not_entailment", 131L), distribution(read("glue-rte", "dev")));
        ReadResult test = read("glue-rte", "test");
        assertEquals(3000, test.data().count());
        Row row = test.data().filter("id = 'glue-rte:test:2'").first();
        assertTrue(row.getString(1).startsWith("Mangla was summoned"));
        assertEquals("Shukla is related to Mangla.", row.getString(2));
        assertNull(row.get(3));
    }

    @Test
    void glueColaHeaderless() {
        ReadResult train = read("glue-cola", "train");
        assertEquals(Map.of("0", 2528L, "1", 6023L), distribution(train));
        assertEquals("Our friends won't buy this analysis, let alone the next one we propose.",
                train.data().filter("id = 'glue-cola:train:1'").first().getString(1));
        assertEquals(Map.of("0", 322L, "1", 721L), distribution(read("glue-cola", "dev")));
        assertEquals(1063, read("glue-cola", "test").data().count());
    }

    @Test
    void idsAreUniqueAndQuarantineEmpty() {
        ReadResult r = read("glue-rte", "dev");
        List<Row> ids = r.data().select("id").collectAsList();
        assertEquals(ids.size(), new HashSet<>(ids).size());
        assertEquals(0, r.quarantine().badRows());
        assertArrayEquals(DatasetSchema.SCHEMA.fieldNames(), r.data().schema().fieldNames());
    }
}
