package io.sparkcl.job.promote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.config.ConfigException;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import io.sparkcl.job.config.DatasetCatalog;
import io.sparkcl.job.config.PromoteConfig;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sparkcl promote} on two run folders, both ways: run A's model is right on every dev row (the dev labels
 * are its own predictions) and run B's model is A with the classifier negated (wrong on every row).
 */
class PromoteJobTest {
    private static final List<String> LABELS = List.of("negative", "positive");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    @TempDir
    static Path tmp;
    private static Path runA;
    private static Path runB;
    private static Path devFile;

    @BeforeAll
    static void setUp() throws IOException {
        PretrainedModel pre = ModelRegistry.load("tiny-random", LABELS.size());
        BertParameters a = pre.parameters().copy(DataType.FLOAT);
        BertParameters b = pre.parameters().copy(DataType.FLOAT);
        b.tensor(BertParameters.CLASSIFIER_WEIGHT).muli(-1);
        FineTunedModel modelA = FineTunedModel.of(a, Pooling.CLS, ClassifierHead.LINEAR, LABELS, LABELS, pre.tokenizerSpec(), 32,
                Map.of("method", "ce"));
        FineTunedModel modelB = FineTunedModel.of(b, Pooling.CLS, ClassifierHead.LINEAR, LABELS, LABELS, pre.tokenizerSpec(), 32,
                Map.of("method", "ce"));
        runA = tmp.resolve("runs/a");
        runB = tmp.resolve("runs/b");
        modelA.save(runA.resolve("model"));
        modelB.save(runB.resolve("model"));

        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            texts.add("review number " + i + (i % 3 == 0 ? " was great fun" : i % 3 == 1 ? " felt dull" : " is fine"));
        }
        int[] predicted = modelA.predict(texts, null, 8).predictedIndices();
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            jsonl.append(JSON.writeValueAsString(Map.of("text", texts.get(i), "label", LABELS.get(predicted[i]))))
                    .append('\n');
        }
        devFile = tmp.resolve("data/dev.jsonl");
        Files.createDirectories(devFile.getParent());
        Files.writeString(devFile, jsonl.toString(), StandardCharsets.UTF_8);
    }

    private static PromoteJob.Decision promote(Path candidate, Path current, double margin) {
        ConfigValues v = new ConfigValues()
                .set(ConfigKey.CANDIDATE, candidate.toString(), "test")
                .set(ConfigKey.CURRENT, current.toString(), "test")
                .set(ConfigKey.MARGIN, margin, "test")
                .set(ConfigKey.DEV_FILE, devFile.toString(), "test")
                .set(ConfigKey.TEST_FILE, devFile.toString(), "test");
        return PromoteJob.run(PromoteConfig.from(v).validate(DatasetCatalog.registry(), new Configuration()),
                SPARK.session());
    }

    private static String installedFrom(Path current) throws IOException {
        return JSON.readTree(current.resolve("promotion.json").toFile()).path("candidate").asText();
    }

    @Test
    void theBetterRunIsPromotedAndTheWorseOneIsNotBothWays() throws IOException {
        Path current = tmp.resolve("serving/current");

        PromoteJob.Decision first = promote(runB, current, 0);
        assertEquals(Promotion.Outcome.FIRST_MODEL, first.outcome());
        assertEquals(0, first.outcome().exitCode());
        assertTrue(installedFrom(current).endsWith("runs/b/model"), installedFrom(current));

        // A (dev accuracy 1) against B (0): promoted, B kept as current.previous
        PromoteJob.Decision better = promote(runA, current, 0.5);
        assertEquals(Promotion.Outcome.PROMOTED, better.outcome(), better.line());
        assertEquals(0, better.outcome().exitCode());
        assertTrue(installedFrom(current).endsWith("runs/a/model"));
        assertTrue(installedFrom(tmp.resolve("serving/current.previous")).endsWith("runs/b/model"));
        JsonNode report = JSON.valueToTree(better.report());
        assertEquals(1.0, report.path("dev").path("candidate").path("accuracy").asDouble(), 1e-12);
        assertEquals(0.0, report.path("dev").path("current").path("accuracy").asDouble(), 1e-12);
        assertEquals(24, report.path("dev").path("rows").asInt());
        assertTrue(report.path("test").path("current").isObject(), "test metrics reported for both models");
        assertTrue(better.line().startsWith("promote: PROMOTED"), better.line());

        // the other way round: B against A is not promoted, and A stays in place
        PromoteJob.Decision worse = promote(runB, current, 0);
        assertEquals(Promotion.Outcome.KEPT_CURRENT, worse.outcome(), worse.line());
        assertEquals(3, worse.outcome().exitCode());
        assertTrue(installedFrom(current).endsWith("runs/a/model"));
        assertTrue(worse.line().startsWith("promote: KEPT_CURRENT"), worse.line());

        // a margin as large as the whole difference keeps the current model too
        Path previous = tmp.resolve("serving/current.previous");
        assertEquals(Promotion.Outcome.KEPT_CURRENT, promote(runA, previous, 1.0).outcome());
        assertTrue(installedFrom(previous).endsWith("runs/b/model"));
    }

    @Test
    void theRuleIsStrictlyBetterByMoreThanTheMargin() {
        assertEquals(Promotion.Outcome.FIRST_MODEL, Promotion.decide(0.5, Double.NaN, 0.01));
        assertEquals(Promotion.Outcome.PROMOTED, Promotion.decide(0.82, 0.80, 0.01));
        assertEquals(Promotion.Outcome.KEPT_CURRENT, Promotion.decide(0.80, 0.80, 0));
        assertEquals(Promotion.Outcome.KEPT_CURRENT, Promotion.decide(0.805, 0.80, 0.01));
        assertEquals(Promotion.Outcome.KEPT_CURRENT, Promotion.decide(0.70, 0.80, 0));
        assertFalse(Promotion.Outcome.KEPT_CURRENT.installsCandidate());
    }

    @Test
    void theCommandLineReportsBadOptionsWithExitCode2BeforeSparkStarts() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = io.sparkcl.job.SparkClMain.run(new String[]{"promote", "--candidate", runA.toString(), "--current",
                tmp.resolve("y").toString(), "--dev-file", devFile.toString(), "--metric", "f1"},
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), new java.io.PrintStream(err));
        assertEquals(2, code);
        assertTrue(err.toString().contains("--metric"), err.toString());
        assertFalse(Files.exists(tmp.resolve("y")), "nothing installed");
    }

    @Test
    void badOptionsAreNamed() {
        ConfigValues v = new ConfigValues()
                .set(ConfigKey.CANDIDATE, runA.toString(), "test")
                .set(ConfigKey.CURRENT, tmp.resolve("x").toString(), "test")
                .set(ConfigKey.TEST_FILE, devFile.toString(), "test");
        ConfigException noDev = assertThrows(ConfigException.class,
                () -> PromoteConfig.from(v).validate(DatasetCatalog.registry(), new Configuration()));
        assertTrue(noDev.getMessage().contains("--dev-file"), noDev.getMessage());
        v.set(ConfigKey.DEV_FILE, devFile.toString(), "test").set(ConfigKey.MARGIN, -0.1, "test");
        ConfigException margin = assertThrows(ConfigException.class,
                () -> PromoteConfig.from(v).validate(DatasetCatalog.registry(), new Configuration()));
        assertTrue(margin.getMessage().contains("--margin"), margin.getMessage());
    }
}
