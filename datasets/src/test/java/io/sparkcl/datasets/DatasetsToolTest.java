package io.sparkcl.datasets;

import io.sparkcl.datasets.download.DownloadException;
import io.sparkcl.datasets.download.DatasetDownloader;
import io.sparkcl.datasets.registry.DatasetRegistry;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsToolTest {
    private static SparkSession spark;


    @BeforeAll
    static void start() {
        spark = TestSupport.spark("datasets-tool");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void listNamesEveryRegistryDataset() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DatasetsTool.list(TestSupport.sharedData().getPath(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        for (String name : DatasetRegistry.names()) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(name + " ")), name + " missing from\n" + text);
        }
        // the shared data has these, and not the others
        for (String name : List.of("sst2", "cr", "trec", "glue-sst2", "glue-rte", "glue-cola")) {
            assertTrue(text.lines().anyMatch(l -> l.matches(name + " +yes .*")), name + " not present in\n" + text);
        }
        assertTrue(text.lines().anyMatch(l -> l.matches("glue-mnli +no .*")), text);
        assertEquals(14, DatasetRegistry.names().size());
    }

    @Test
    void showGlueRtePrintsSplitsLabelCountsAndLengths() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<DatasetsTool.SplitSummary> s = DatasetsTool.show(spark, "glue-rte", TestSupport.sharedData().getPath(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("train: 2490 rows, 0 bad"), text);
        assertTrue(text.contains("dev: 277 rows, 0 bad"), text);
        assertTrue(text.contains("test: 3000 rows, 0 bad"), text);
        assertTrue(text.matches("(?s).*entailment\\s+1249\\s+50\\.2%.*"), text);
        assertTrue(text.contains("length, whitespace tokens: p50"), text);
        assertEquals(Map.of("entailment", 1249L, "not_entailment", 1241L), s.get(0).labelCounts());
        assertEquals(Map.of("(no label)", 3000L), s.get(2).labelCounts());

        // max and median lengths of train, computed here straight from the file
        List<String> lines = Files.readAllLines(TestSupport.sharedData().toPath().resolve("glue/RTE/train.tsv"));
        int[] tokens = lines.stream().skip(1).map(l -> l.split("\t")).map(f -> (f[1] + " " + f[2]).trim())
                .mapToInt(t -> t.split("\\s+").length).sorted().toArray();
        int[] chars = lines.stream().skip(1).map(l -> l.split("\t")).mapToInt(f -> f[1].length() + 1 + f[2].length())
                .sorted().toArray();
        double[] t = s.get(0).lengths().tokens();
        double[] c = s.get(0).lengths().chars();
        assertEquals(tokens[tokens.length - 1], t[3]);
        assertEquals(chars[chars.length - 1], c[3]);
        // 2490 values: the median is the mean of the 1245th and 1246th
        assertEquals((tokens[1244] + tokens[1245]) / 2.0, t[0], 1e-9);
        assertEquals((chars[1244] + chars[1245]) / 2.0, c[0], 1e-9);
        assertTrue(t[0] <= t[1] && t[1] <= t[2] && t[2] <= t[3], Arrays.toString(t));
    }

    @Test
    void showOfAMissingDatasetDownloadsFirstAndFailsClearlyWithoutNetwork(@TempDir Path empty) throws IOException {
        int port;
        try (ServerSocket sock = new ServerSocket(0)) {
            port = sock.getLocalPort();
        }
        System.setProperty(DatasetDownloader.BASE_URL_PROPERTY, "http://127.0.0.1:" + port);
        try {
            DownloadException e = assertThrows(DownloadException.class,
                    () -> DatasetsTool.show(spark, "trec", empty.toString(), new PrintStream(new ByteArrayOutputStream())));
            assertTrue(e.getMessage().contains("cannot download dataset 'trec'"), e.getMessage());
            assertArrayEquals(new String[0], empty.toFile().list());
        } finally {
            System.clearProperty(DatasetDownloader.BASE_URL_PROPERTY);
        }
    }
}
