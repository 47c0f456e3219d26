package io.sparkcl.job.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.cluster.LoopbackCluster;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.TestData;
import io.sparkcl.job.train.TrainJob;
import io.sparkcl.job.train.TrainSummary;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sparkcl train --mode shared} on the loopback standalone cluster (master and 2 workers on 127.0.0.1, one
 * executor JVM each) with {@code spark.authenticate=true}: DL4J's parameter server between the driver and the two
 * executors. Runs in {@code mvn verify} (failsafe).
 */
class SharedModeOnClusterIT {
    private static final Pattern JOINS = Pattern.compile("joins the parameter server from ([0-9.]+):(\\d+)");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void trainsInSharedModeAndWritesTheRunFolder() throws Exception {
        Path out = tmp.resolve("run");
        Path state = tmp.resolve("cluster");
        ClusterAuth.writeSecret(state, "shared-mode-it");
        TrainSummary summary;
        try (LoopbackCluster cluster = LoopbackCluster.start(2, 1, "1g", System.getProperty("java.class.path"), state,
                Duration.ofMinutes(3))) {
            SparkSession spark = SparkSession.builder()
                    .config(ClusterAuth.conf(cluster, "shared-mode-it", "sparkcl-shared-mode")).getOrCreate();
            try {
                TrainConfig c = TrainConfig.builder().dataset("cr").dataDir(TestData.dataDir()).model("tiny-random")
                        .method("ce").globalBatch(8).epochs(8).lr(1e-2).maxLength(32).partitions(2)
                        .set(ConfigKey.DROPOUT, 0.0).set(ConfigKey.FEW_SHOT, 16).set(ConfigKey.MODE, "shared")
                        .set(ConfigKey.PS_PORT, SharedTrainerTest.freeUdpPorts(5))
                        .output(out.toUri().toString()).build();
                summary = TrainJob.run(c.validate(), spark);
            } finally {
                spark.stop();
            }
        }
        for (String f : List.of("config.yaml", "trainer.json", "metrics.jsonl", "eval.jsonl", "summary.json",
                "data.json", "model/config.json", "model/model.safetensors", "checkpoints/last/state.json")) {
            assertTrue(Files.exists(out.resolve(f)), f + " missing from the run folder");
        }
        ObjectMapper json = new ObjectMapper();
        assertEquals("shared", json.readTree(out.resolve("trainer.json").toFile()).get("mode").asText());
        List<JsonNode> metrics = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            metrics.add(json.readTree(line));
        }
        assertEquals(8, metrics.size(), "one metrics line per epoch");
        // the training loss falls: the last two epochs' mean below the first two's (one epoch is 2 steps per
        // executor, so single epochs are noisy)
        double first = (loss(metrics, 0) + loss(metrics, 1)) / 2;
        double last = (loss(metrics, 6) + loss(metrics, 7)) / 2;
        assertTrue(last < first, "the training loss falls: " + first + " -> " + last);
        // the executors received each other's updates through the parameter server
        assertTrue(metrics.stream().mapToLong(m -> m.get("updates_received").asLong()).sum() > 0,
                "no executor received an update from the other: " + metrics);
        assertTrue(summary.finalEval().containsKey("test"), "the test split is evaluated: " + summary.finalEval());
        // each executor bound its own endpoint on loopback (not 0.0.0.0), at its own port
        Set<String> endpoints = new TreeSet<>();
        for (Path log : executorLogs(state)) {
            Matcher m = JOINS.matcher(Files.readString(log));
            while (m.find()) {
                endpoints.add(m.group(1) + ":" + m.group(2));
            }
        }
        assertEquals(2, endpoints.size(), "two executors, each on its own address:port: " + endpoints);
        endpoints.forEach(e -> assertTrue(e.startsWith("127."), "bound on the loopback network, not " + e));
    }

    private static double loss(List<JsonNode> metrics, int epoch) {
        return metrics.get(epoch).get("loss").asDouble();
    }

    private static List<Path> executorLogs(Path state) throws IOException {
        try (Stream<Path> s = Files.walk(state)) {
            return s.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        }
    }
}
