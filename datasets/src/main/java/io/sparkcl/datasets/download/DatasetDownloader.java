package io.sparkcl.datasets.download;

import io.sparkcl.datasets.DataRoot;
import io.sparkcl.datasets.DatasetException;
import io.sparkcl.datasets.registry.DatasetRegistry;
import io.sparkcl.datasets.registry.DatasetSpec;
import io.sparkcl.datasets.registry.RemoteArchive;
import io.sparkcl.datasets.registry.RemoteFile;
import io.sparkcl.datasets.registry.SplitSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Downloads registry datasets into the data root (any Hadoop file system).
 *
 * <p>Every file is first written under {@code <root>/.sparkcl-tmp/<dataset>-<uuid>/}, its SHA-256 computed
 * while it streams in and compared with the registry's checksum; only when every file of the dataset is
 * complete and verified are they renamed into place, so an interrupted or failed download never leaves a
 * half-written or unverified file in the cache. Zip archives (GLUE) are extracted while streaming and each
 * extracted member is verified (the archives themselves are not pinned). Members without a known checksum
 * are accepted with a warning, and every downloaded file's SHA-256 is recorded in
 * {@code <root>/.sparkcl/checksums/<dataset>.sha256}.
 *
 * <p>The base URL can be overridden (constructor argument or system property {@value #BASE_URL_PROPERTY}):
 * a file then comes from {@code <base>/<relative path>} (e.g. {@code <base>/dualcl/SST2_Train.json}) and an
 * archive from {@code <base>/glue/RTE.zip} - a mirror or a local HTTP server in tests.
 */
public final class DatasetDownloader {
    public static final String BASE_URL_PROPERTY = "sparkcl.download.baseUrl";
    private static final Logger LOG = LoggerFactory.getLogger(DatasetDownloader.class);

    private final String dataRoot;
    private final String baseUrl;
    private final Configuration conf;
    private final HttpClient http;

    /** Base URL from the system property {@value #BASE_URL_PROPERTY}, else the canonical URLs. */
    public DatasetDownloader(String dataRoot, Configuration conf) {
        this(dataRoot, System.getProperty(BASE_URL_PROPERTY), conf);
    }

    /**
     * @param dataRoot a resolved data root (see {@link DataRoot#resolve})
     * @param baseUrl  null or blank for the canonical URLs
     * @param conf     Hadoop configuration (e.g. {@code spark.sparkContext().hadoopConfiguration()})
     */
    public DatasetDownloader(String dataRoot, String baseUrl, Configuration conf) {
        this.dataRoot = dataRoot;
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
        this.conf = conf == null ? new Configuration() : conf;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public String dataRoot() {
        return dataRoot;
    }

    /** Relative paths of the dataset's split files that are not in the data root. */
    public List<String> missingFiles(DatasetSpec spec) {
        List<String> missing = new ArrayList<>();
        for (SplitSpec s : spec.splits()) {
            Path p = new Path(DataRoot.child(dataRoot, s.relativePath()));
            try {
                if (!p.getFileSystem(conf).exists(p)) {
                    missing.add(s.relativePath());
                }
            } catch (IOException e) {
                throw new DatasetException("cannot check " + p + ": " + e.getMessage(), e);
            }
        }
        return missing;
    }

    public boolean isAvailable(String name) {
        return missingFiles(DatasetRegistry.get(name)).isEmpty();
    }

    /**
     * Downloads the dataset if any of its split files is missing, saying so in the log; does nothing when it
     * is complete. Returns whether it downloaded.
     */
    public boolean ensureAvailable(String name) {
        DatasetSpec spec = DatasetRegistry.get(name);
        List<String> missing = missingFiles(spec);
        if (missing.isEmpty()) {
            return false;
        }
        if (!spec.downloadable()) {
            throw new DownloadException("dataset '" + name + "' is not in the data root " + dataRoot + " (missing "
                    + missing + ") and cannot be downloaded automatically: " + spec.manualDownloadHint());
        }
        LOG.info("dataset {} is not in the data root {} (missing {}): downloading it", name, dataRoot, missing);
        download(name, false, null);
        return true;
    }

    /**
     * Downloads and verifies every file of the dataset (only the missing ones unless {@code force}).
     *
     * @param progress where to print one line per file, or null
     * @return relative path -> SHA-256 of each file written
     */
    public Map<String, String> download(String name, boolean force, PrintStream progress) {
        DatasetSpec spec = DatasetRegistry.get(name);
        if (!spec.downloadable()) {
            throw new DownloadException("dataset '" + name + "' cannot be downloaded automatically: "
                    + spec.manualDownloadHint());
        }
        if (!force && missingFiles(spec).isEmpty()) {
            say(progress, name + ": already in " + dataRoot);
            return Map.of();
        }
        FileSystem fs = fileSystem();
        Path tmp = new Path(DataRoot.child(dataRoot, ".sparkcl-tmp/" + name + "-" + UUID.randomUUID()));
        Map<String, String> written = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        try {
            for (RemoteFile f : spec.files()) {
                String url = url(f.url(), f.relativePath());
                say(progress, name + ": fetching " + url);
                String sha;
                try (InputStream in = open(name, url)) {
                    sha = copy(fs, in, new Path(tmp, f.relativePath()));
                } catch (IOException e) {
                    throw unreachable(name, url, spec, e);
                }
                verify(name, f.relativePath(), url, f.sha256(), sha);
                written.put(f.relativePath(), sha);
                sources.put(f.relativePath(), url);
            }
            for (RemoteArchive a : spec.archives()) {
                String url = url(a.url(), a.relativeUrl());
                say(progress, name + ": fetching and extracting " + url);
                Map<String, String> extracted = extract(name, spec, url, a, fs, tmp);
                extracted.keySet().forEach(k -> sources.put(k, url));
                written.putAll(extracted);
            }
            if (spec.name().equals("glue-mrpc")) {
                written.putAll(buildMrpc(fs, tmp, sources));
            }
            for (String rel : written.keySet()) {
                moveIntoPlace(fs, new Path(tmp, rel), new Path(DataRoot.child(dataRoot, rel)));
                say(progress, name + ": " + rel + " sha256 " + written.get(rel));
            }
            recordChecksums(fs, name, written, sources);
            LOG.info("dataset {} downloaded into {} ({} files, checksums verified)", name, dataRoot, written.size());
            return written;
        } finally {
            cleanUp(fs, tmp);
        }
    }

    /** GLUE's MRPC splits, built from the downloaded MSR files (see {@link MrpcBuilder}). */
    private static Map<String, String> buildMrpc(FileSystem fs, Path tmp, Map<String, String> sources) {
        try {
            Map<String, String> counts = MrpcBuilder.build(fs, tmp);
            LOG.info("glue-mrpc: built {} train and {} dev pairs from the MSR paraphrase corpus", counts.get("train"),
                    counts.get("dev"));
            Map<String, String> out = new LinkedHashMap<>();
            for (String split : List.of("train.tsv", "dev.tsv", "test.tsv")) {
                String rel = MrpcBuilder.DIR + split;
                out.put(rel, sha256Of(fs, new Path(tmp, rel)));
                sources.put(rel, "built from " + MrpcBuilder.DIR + "msr_paraphrase_*.txt");
            }
            return out;
        } catch (IOException e) {
            throw new DownloadException("glue-mrpc: cannot build the splits: " + e.getMessage(), e);
        }
    }

    private static String sha256Of(FileSystem fs, Path p) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(fs.open(p), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private Map<String, String> extract(String name, DatasetSpec spec, String url, RemoteArchive archive,
                                        FileSystem fs, Path tmp) {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream body = open(name, url); ZipInputStream zip = new ZipInputStream(body)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory() || e.getName().contains("__MACOSX")) {
                    continue;
                }
                String entryName = e.getName().substring(e.getName().lastIndexOf('/') + 1);
                for (RemoteArchive.Member m : archive.members()) {
                    if (m.fileName().equals(entryName) && !out.containsKey(m.relativePath())) {
                        String sha = copy(fs, new NonClosingInputStream(zip), new Path(tmp, m.relativePath()));
                        verify(name, m.relativePath(), url + "!" + e.getName(), m.sha256(), sha);
                        out.put(m.relativePath(), sha);
                        break;
                    }
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new DownloadException("dataset " + name + ": " + url + " is not a valid zip archive: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw unreachable(name, url, spec, e);
        }
        for (RemoteArchive.Member m : archive.members()) {
            if (!out.containsKey(m.relativePath())) {
                throw new DownloadException("dataset " + name + ": archive " + url + " has no entry "
                        + m.fileName() + " (needed for " + m.relativePath() + ")");
            }
        }
        return out;
    }

    private InputStream open(String name, String url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new DownloadException("dataset " + name + ": HTTP " + response.statusCode() + " from " + url);
        }
        return response.body();
    }

    private DownloadException unreachable(String name, String url, DatasetSpec spec, IOException e) {
        return new DownloadException("cannot download dataset '" + name + "': " + url + " could not be read ("
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + "). Without network access, copy its files into the data root " + dataRoot + ": "
                + spec.splits().stream().map(SplitSpec::relativePath).toList()
                + " (or set --data-dir / SPARKCL_DATA_DIR to a folder that has them). Nothing was written.", e);
    }

    private static void verify(String name, String relativePath, String url, String expected, String actual) {
        if (expected == null) {
            LOG.warn("dataset {}: no published checksum for {}; accepted with SHA-256 {}", name, relativePath, actual);
            return;
        }
        if (!expected.equalsIgnoreCase(actual)) {
            throw new DownloadException("dataset " + name + ": checksum mismatch for " + relativePath
                    + " downloaded from " + url + ": expected SHA-256 " + expected + ", got " + actual
                    + "; the download was discarded");
        }
    }

    /** Streams {@code in} into {@code target}, returning its SHA-256. */
    private static String copy(FileSystem fs, InputStream in, Path target) throws IOException {
        MessageDigest digest = sha256();
        fs.mkdirs(target.getParent());
        try (DigestInputStream din = new DigestInputStream(in, digest);
             FSDataOutputStream out = fs.create(target, true)) {
            din.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void moveIntoPlace(FileSystem fs, Path from, Path to) {
        try {
            fs.mkdirs(to.getParent());
            if (fs.exists(to)) {
                fs.delete(to, false);
            }
            if (!fs.rename(from, to)) {
                throw new DownloadException("cannot move the downloaded " + from + " to " + to);
            }
        } catch (IOException e) {
            throw new DownloadException("cannot move the downloaded " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private void recordChecksums(FileSystem fs, String name, Map<String, String> written, Map<String, String> urls) {
        StringBuilder sb = new StringBuilder();
        written.forEach((rel, sha) -> sb.append(sha).append("  ").append(rel).append("  ").append(urls.get(rel)).append('\n'));
        Path target = new Path(DataRoot.child(dataRoot, ".sparkcl/checksums/" + name + ".sha256"));
        Path tmp = new Path(target.getParent(), "." + name + ".sha256." + UUID.randomUUID());
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
            moveIntoPlace(fs, tmp, target);
        } catch (IOException | DownloadException e) {
            LOG.warn("cannot record the checksums of {} in {}: {}", name, target, e.getMessage());
        }
    }

    private void cleanUp(FileSystem fs, Path tmp) {
        try {
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
            Path parent = tmp.getParent();
            if (fs.exists(parent) && fs.listStatus(parent).length == 0) {
                fs.delete(parent, false);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove the temporary download folder {}: {}", tmp, e.getMessage());
        }
    }

    private String url(String canonical, String relative) {
        return baseUrl == null ? canonical : baseUrl + "/" + relative;
    }

    private FileSystem fileSystem() {
        try {
            return new Path(dataRoot).getFileSystem(conf);
        } catch (IOException e) {
            throw new DatasetException("cannot open the data root " + dataRoot + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void say(PrintStream out, String line) {
        if (out != null) {
            out.println(line);
        }
    }

    /** Lets one zip entry be copied without closing the zip stream. */
    private static final class NonClosingInputStream extends java.io.FilterInputStream {
        NonClosingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
