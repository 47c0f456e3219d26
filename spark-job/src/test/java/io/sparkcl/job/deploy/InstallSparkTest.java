package io.sparkcl.job.deploy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * docker/install-spark.sh against a local mirror (file://) holding a small stand-in tarball: it installs
 * only a tarball whose SHA-512 matches the pinned hash or the published .sha512 file, in both formats.
 */
class InstallSparkTest {
    static final String VERSION = "3.5.9";
    @TempDir
    Path tmp;
    Path mirror;
    String sha512;

    @BeforeEach
    void mirror() throws Exception {
        Path staging = tmp.resolve("staging/spark-" + VERSION + "-bin-hadoop3");
        Files.createDirectories(staging.resolve("bin"));
        Files.writeString(staging.resolve("RELEASE"), "Spark " + VERSION + " (stand-in)\n");
        mirror = Files.createDirectories(tmp.resolve("mirror/spark-" + VERSION));
        Path tgz = mirror.resolve("spark-" + VERSION + "-bin-hadoop3.tgz");
        Scripts.Result tar = Scripts.run(List.of("tar", "-czf", tgz.toString(), "-C", tmp.resolve("staging").toString(),
                "spark-" + VERSION + "-bin-hadoop3"), Map.of(), tmp);
        assertEquals(0, tar.code(), tar.err());
        sha512 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(tgz)));
    }

    private Scripts.Result install(Path dest, String... pinned) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Scripts.repoRoot().resolve("docker/install-spark.sh")
                .toString(), VERSION, dest.toString()));
        cmd.addAll(List.of(pinned));
        return Scripts.run(cmd, Map.of("SPARK_MIRROR", tmp.resolve("mirror").toUri().toString()), tmp);
    }

    private void publish(String sha512File) throws Exception {
        Files.writeString(mirror.resolve("spark-" + VERSION + "-bin-hadoop3.tgz.sha512"), sha512File);
    }

    @Test
    void installsWhenThePublishedHashMatchesInEitherFormat() throws Exception {
        publish(sha512 + "  spark-" + VERSION + "-bin-hadoop3.tgz\n");
        Scripts.Result r = install(tmp.resolve("a"));
        assertEquals(0, r.code(), r.err());
        assertEquals("Spark " + VERSION + " (stand-in)\n", Files.readString(tmp.resolve("a/RELEASE")));

        StringBuilder gpg = new StringBuilder("spark-" + VERSION + "-bin-hadoop3.tgz: ");
        String upper = sha512.toUpperCase();
        for (int i = 0; i < upper.length(); i += 8) {
            gpg.append(upper, i, i + 8).append(i == 56 ? "\n                               " : " ");
        }
        publish(gpg.toString().trim() + "\n");
        assertEquals(0, install(tmp.resolve("b")).code());
        assertTrue(Files.exists(tmp.resolve("b/RELEASE")));
    }

    @Test
    void refusesATarballThatDoesNotMatch() throws Exception {
        String wrong = "0".repeat(128);
        publish(wrong + "  spark-" + VERSION + "-bin-hadoop3.tgz\n");
        Scripts.Result published = install(tmp.resolve("c"));
        assertEquals(1, published.code());
        assertTrue(published.err().contains("expected '" + wrong + "', got '" + sha512 + "'"), published.err());
        assertFalse(Files.exists(tmp.resolve("c/RELEASE")));

        Scripts.Result pinned = install(tmp.resolve("d"), wrong);
        assertEquals(1, pinned.code(), "a pinned hash wins over the published one");
        assertEquals(0, install(tmp.resolve("e"), sha512).code());
    }
}
