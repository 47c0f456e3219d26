package io.sparkcl.datasets.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sparkcl.datasets.TestSupport;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.SplitSpec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The downloader against a local HTTP server on 127.0.0.1 serving the shared data: {@code /dualcl/<file>} as
 * is, {@code /glue/<TASK>.zip} zipped on the fly, and under {@code /corrupt/} the same with the last byte of
 * {@code CR_Test.json} changed.
 */
class DatasetDownloaderTest {
    private static HttpServer server;
    private static String base;
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static final Configuration CONF = new Configuration();
    @TempDir
    static Path extraGlue;

    @BeforeAll
    static void serve() throws IOException {
        // WNLI is not in the shared data: the server zips these test-written files in its published format.
        Path wnli = Files.createDirectories(extraGlue.resolve("WNLI"));
        Files.writeString(wnli.resolve("train.tsv"), "index\tsentence1\tsentence2\tlabel\n"
                + "0\tI stuck a pin through a carrot.\tThe carrot had a hole.\t1\n"
                + "1\tJohn could not see the stage.\tJohn is very short.\t0\n");
        Files.writeString(wnli.resolve("dev.tsv"), "index\tsentence1\tsentence2\tlabel\n0\tA b.\tC d.\t1\n");
        Files.writeString(wnli.resolve("test.tsv"), "index\tsentence1\tsentence2\n0\tE f.\tG h.\n");
        // MRPC as GLUE's script fetches it: the MSR files (with a byte-order mark) and GLUE's dev pair ids.
        Path mrpc = Files.createDirectories(extraGlue.resolve("MRPC"));
        Files.writeString(mrpc.resolve("msr_paraphrase_train.txt"), "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
                + "1\t702876\t702977\tAmrozi accused his brother .\tReferring to him , Amrozi accused his brother .\r\n"
                + "0\t2108705\t2108831\tYucaipa owned Dominick 's .\tYucaipa bought Dominick 's in 1995 .\r\n"
                + "1\t1330381\t1330521\tThey had published an advertisement .\tOn June 10 , they published it .\r\n");
        Files.writeString(mrpc.resolve("msr_paraphrase_test.txt"), "\uFEFFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
                + "1\t1089874\t1089925\tPCCW 's chief .\tCurrent Chief .\r\n");
        Files.writeString(mrpc.resolve("mrpc_dev_ids.tsv"), "2108705\t2108831\n");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", DatasetDownloaderTest::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void handle(HttpExchange ex) throws IOException {
        REQUESTS.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        boolean corrupt = path.startsWith("/corrupt/");
        if (corrupt) {
            path = path.substring("/corrupt".length());
        }
        byte[] body = null;
        if (path.startsWith("/glue/") && path.endsWith(".zip")) {
            String task = path.substring("/glue/".length(), path.length() - 4);
            File dir = new File(TestSupport.sharedData(), "glue/" + task);
            if (!dir.isDirectory()) {
                dir = extraGlue.resolve(task).toFile();
            }
            if (dir.isDirectory()) {
                body = zip(task, dir);
            }
        } else {
            File f = new File(TestSupport.sharedData(), path.substring(1));
            if (!f.isFile() && path.startsWith("/glue/")) {
                f = extraGlue.resolve(path.substring("/glue/".length())).toFile();
            }
            if (f.isFile()) {
                body = Files.readAllBytes(f.toPath());
                if (corrupt && f.getName().equals("CR_Test.json")) {
                    body[body.length - 1] ^= 1;
                }
            }
        }
        if (body == null) {
            ex.sendResponseHeaders(404, -1);
        } else {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    private static byte[] zip(String task, File dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(task + "/"));
            for (File f : dir.listFiles()) {
                zip.putNextEntry(new ZipEntry(task + "/" + f.getName()));
                zip.write(Files.readAllBytes(f.toPath()));
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    /** Regular files under root, ignoring Hadoop's hidden .crc side files. */
    private static List<Path> visibleFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".crc")).toList();
        }
    }

    @Test
    void downloadsDualclFilesAndVerifiesTheirChecksums(@TempDir Path root) throws Exception {
        DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), base, CONF);
        assertFalse(d.isAvailable("trec"));
        Map<String, String> written = d.download("trec", false, null);
        assertEquals(2, written.size());
        for (SplitSpec s : DatasetRegistry.get("trec").splits()) {
            Path got = root.resolve(s.relativePath());
            assertArrayEquals(Files.readAllBytes(TestSupport.sharedData().toPath().resolve(s.relativePath())),
                    Files.readAllBytes(got));
            assertEquals(sha256(got), written.get(s.relativePath()));
        }
        assertTrue(d.isAvailable("trec"));
        int before = REQUESTS.get();
        assertFalse(d.ensureAvailable("trec"), "complete datasets are not downloaded again");
        assertEquals(before, REQUESTS.get());
        assertFalse(Files.exists(root.resolve(".sparkcl-tmp")), "temporary folder removed");
    }

    @Test
    void ensureAvailableDownloadsAMissingGlueTaskFromItsZip(@TempDir Path root) throws Exception {
        DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), base, CONF);
        assertTrue(d.ensureAvailable("glue-rte"));
        for (String f : List.of("train.tsv", "dev.tsv", "test.tsv")) {
            assertArrayEquals(Files.readAllBytes(TestSupport.sharedData().toPath().resolve("glue/RTE/" + f)),
                    Files.readAllBytes(root.resolve("glue/RTE/" + f)));
        }
        String manifest = Files.readString(root.resolve(".sparkcl/checksums/glue-rte.sha256"));
        assertTrue(manifest.contains(sha256(root.resolve("glue/RTE/train.tsv")) + "  glue/RTE/train.tsv"), manifest);
    }

    @Test
    void archiveMembersWithoutAPublishedChecksumAreAcceptedAndRecorded(@TempDir Path root) throws Exception {
        DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), base, CONF);
        Map<String, String> written = d.download("glue-wnli", false, null);
        assertEquals(3, written.size());
        String manifest = Files.readString(root.resolve(".sparkcl/checksums/glue-wnli.sha256"));
        assertTrue(manifest.contains(sha256(root.resolve("glue/WNLI/train.tsv")) + "  glue/WNLI/train.tsv  "
                + base + "/glue/WNLI.zip"), manifest);
    }

    @Test
    void mrpcSplitsAreBuiltLikeGluesScript(@TempDir Path root) throws Exception {
        DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), base, CONF);
        assertTrue(d.ensureAvailable("glue-mrpc"));
        Path dir = root.resolve("glue/MRPC");
        assertEquals(List.of("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String",
                "1\t702876\t702977\tAmrozi accused his brother .\tReferring to him , Amrozi accused his brother .",
                "1\t1330381\t1330521\tThey had published an advertisement .\tOn June 10 , they published it ."),
                Files.readAllLines(dir.resolve("train.tsv")));
        assertEquals(List.of("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String",
                "0\t2108705\t2108831\tYucaipa owned Dominick 's .\tYucaipa bought Dominick 's in 1995 ."),
                Files.readAllLines(dir.resolve("dev.tsv")));
        assertEquals(List.of("index\t#1 ID\t#2 ID\t#1 String\t#2 String", "0\t1089874\t1089925\tPCCW 's chief .\tCurrent Chief ."),
                Files.readAllLines(dir.resolve("test.tsv")));
        String manifest = Files.readString(root.resolve(".sparkcl/checksums/glue-mrpc.sha256"));
        assertTrue(manifest.contains(sha256(dir.resolve("dev.tsv")) + "  glue/MRPC/dev.tsv"), manifest);
    }

    @Test
    void aCorruptedFileIsRejectedAndNothingEntersTheCache(@TempDir Path root) throws Exception {
        DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), base + "/corrupt", CONF);
        DownloadException e = assertThrows(DownloadException.class, () -> d.download("cr", false, null));
        assertTrue(e.getMessage().contains("checksum mismatch for dualcl/CR_Test.json"), e.getMessage());
        assertTrue(e.getMessage().contains("expected SHA-256 bc35abb8"), e.getMessage());
        // CR_Train.json was fine, but a dataset only enters the cache once all its files are verified.
        assertEquals(List.of(), visibleFiles(root));
        assertFalse(d.isAvailable("cr"));
    }

    @Test
    void anUnreachableServerGivesAClearMessage(@TempDir Path root) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String deadBase = "http://127.0.0.1:" + port;
        DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), deadBase, CONF);
        DownloadException e = assertThrows(DownloadException.class, () -> d.ensureAvailable("sst2"));
        assertTrue(e.getMessage().contains("cannot download dataset 'sst2'"), e.getMessage());
        assertTrue(e.getMessage().contains(deadBase + "/dualcl/SST2_Train.json"), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was written"), e.getMessage());
        assertEquals(List.of(), visibleFiles(root));
    }

    @Test
    void missingRemoteFileAndManualDatasets(@TempDir Path root) {
        DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), base + "/nowhere", CONF);
        DownloadException e = assertThrows(DownloadException.class, () -> d.download("subj", false, null));
        assertTrue(e.getMessage().contains("HTTP 404 from " + base + "/nowhere/dualcl/SUBJ_Train.json"), e.getMessage());
        DownloadException mr = assertThrows(DownloadException.class, () -> d.ensureAvailable("mr"));
        assertTrue(mr.getMessage().contains("cannot be downloaded automatically"), mr.getMessage());
        assertTrue(mr.getMessage().contains("dualcl/MR_Train.json"), mr.getMessage());
    }

    @Test
    void systemPropertyOverridesTheBaseUrl(@TempDir Path root) {
        System.setProperty(DatasetDownloader.BASE_URL_PROPERTY, base);
        try {
            DatasetDownloader d = new DatasetDownloader(root.toUri().toString(), CONF);
            assertTrue(d.ensureAvailable("cr"));
            assertTrue(d.isAvailable("cr"));
            assertTrue(new String(readQuietly(root.resolve("dualcl/CR_Test.json")), StandardCharsets.UTF_8).startsWith("["));
        } finally {
            System.clearProperty(DatasetDownloader.BASE_URL_PROPERTY);
        }
    }

    private static byte[] readQuietly(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
