package io.sparkcl.job.config;

import io.sparkcl.model.encoder.Pooling;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class TrainConfigTest {
    static final DatasetCatalog CATALOG = DatasetCatalog.of(List.of("sst2", "trec", "glue-rte"));

    @TempDir
    Path tmp;

    @Test
    void defaultsFollowTheMethod() {
        TrainConfig dual = TrainConfig.from(new ConfigValues(), LocalDateTime.of(2026, 1, 2, 3, 4, 5));
        assertEquals("sst2", dual.data().dataset());
        assertEquals("dualcl", dual.objective().method().id());
        assertEquals(0.5, dual.objective().lambda(), "the DualCL reference code's weighting");
        assertEquals(0.1, dual.objective().tau());
        assertEquals(3, dual.schedule().epochs());
        assertEquals(0, dual.schedule().steps());
        assertEquals(32, dual.schedule().globalBatch());
        assertEquals(16, dual.schedule().microBatch());
        assertEquals("all-minilm-l6-v2", dual.model().model());
        assertEquals("runs/sst2-dualcl-20260102-030405", dual.run().output());
        assertTrue(dual.model().dropout() < 0, "dropout unset = the model's own");

        TrainConfig scl = TrainConfig.builder().method("SCL").build();
        assertEquals("scl", scl.objective().method().id());
        assertEquals(0.9, scl.objective().lambda());
        assertEquals(0.3, scl.objective().tau());
        assertEquals(0.0, TrainConfig.builder().method("ce").build().objective().lambda());
    }

    @Test
    void saveTotalLimitReachesTheRunPart() {
        assertEquals(1, TrainConfig.builder().build().run().saveTotalLimit(), "one resumable checkpoint by default");
        assertEquals(3, TrainConfig.builder().set(ConfigKey.SAVE_TOTAL_LIMIT, "3").build().run().saveTotalLimit());
    }

    @Test
    void poolingDefaultsToTheModelsOwn() {
        assertEquals(Pooling.MEAN, TrainConfig.builder().build().model().pooling(), "MiniLM, the default model");
        assertEquals(Pooling.MEAN, TrainConfig.builder().set(ConfigKey.MODEL, "e5-small-v2").build().model().pooling());
        assertEquals(Pooling.CLS, TrainConfig.builder().set(ConfigKey.MODEL, "bge-small-en-v1.5").build().model()
                .pooling());
        assertEquals(Pooling.CLS, TrainConfig.builder().set(ConfigKey.MODEL, "tiny-random").build().model().pooling());
        assertEquals(Pooling.CLS, TrainConfig.builder().set(ConfigKey.MODEL, "/models/my-bert").build().model()
                .pooling(), "a folder: [CLS], as BERT classification heads");
        assertEquals(Pooling.CLS, TrainConfig.builder().set(ConfigKey.POOLING, "CLS").build().model().pooling(),
                "a given pooling wins");
        assertEquals("mean", TrainConfig.builder().build().toMap().get("pooling"), "config.yaml records the choice");
    }

    @Test
    void lrScheduleAndLabelOrderReachTheirParts() {
        TrainConfig d = TrainConfig.builder().set(ConfigKey.LR, "1e-4").steps(100).build();
        assertEquals(LabelOrder.SHUFFLED, d.data().labelOrder(), "DualCL label names shuffled by default");
        assertEquals(0.0, d.optim().schedule(100).at(0), "linear warm-up from 0");
        assertEquals(1e-4, d.optim().schedule(100).at(10), 1e-12, "peak after 10% warm-up");
        assertEquals(0.5e-4, d.optim().schedule(100).at(55), 1e-12, "then linear decay");

        TrainConfig c = TrainConfig.builder().set(ConfigKey.LR, "1e-5").set(ConfigKey.LR_SCHEDULE, "Constant")
                .set(ConfigKey.LABEL_ORDER, "fixed").build();
        for (long step : new long[]{0, 1, 50, 99}) {
            assertEquals(1e-5, c.optim().schedule(100).at(step), "constant rate at step " + step);
        }
        assertEquals(LabelOrder.FIXED, c.data().labelOrder());

        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfig.builder().set(ConfigKey.LR_SCHEDULE, "cosine").build());
        assertTrue(e.getMessage().contains("--lr-schedule") && e.getMessage().contains("cosine"), e.getMessage());
    }

    @Test
    void microBatchDefaultFitsASmallGlobalBatch() {
        assertEquals(8, TrainConfig.builder().globalBatch(8).build().schedule().microBatch());
        assertEquals(16, TrainConfig.builder().globalBatch(512).build().schedule().microBatch());
    }

    @Test
    void stepsReplaceTheDefaultEpochs() {
        TrainConfig c = TrainConfig.builder().steps(50).build();
        assertEquals(0, c.schedule().epochs());
        assertEquals(50, c.schedule().steps());
        c.validateValues(CATALOG);
    }

    @Test
    void yamlIsOverriddenByTheCommandLine() throws IOException {
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, String.join("\n",
                "method: scl", "lr: 1e-4", "global-batch: 64", "tau: 0.5", "freeze-embeddings: true",
                "train-file: /data/train.jsonl", "labels: [neg, pos]", "text_column: sentence", ""));
        ConfigValues fromFile = YamlConfig.read(yaml.toString(), ConfigKey.Scope.TRAIN, new Configuration());
        ConfigValues cli = new ConfigValues().set(ConfigKey.LR, "3e-5", "command line")
                .set(ConfigKey.GLOBAL_BATCH, "128", "command line");
        TrainConfig c = TrainConfig.from(fromFile.overrideWith(cli));
        assertEquals("scl", c.objective().method().id());
        assertEquals(3e-5, c.optim().lr(), "command line wins");
        assertEquals(128, c.schedule().globalBatch(), "command line wins");
        assertEquals(0.5, c.objective().tau(), "file value kept");
        assertEquals(0.9, c.objective().lambda(), "method default still applies");
        assertTrue(c.optim().freezeEmbeddings());
        assertEquals(List.of("neg", "pos"), c.data().labels());
        assertEquals("sentence", c.data().textColumn(), "snake_case keys are accepted");
        assertEquals("custom", c.data().dataset(), "user data gets a neutral name");
        assertEquals("/data/train.jsonl", c.data().request("q").trainFile());
        assertEquals(List.of("neg", "pos"), c.data().request("q").labels());
    }

    @Test
    void unknownYamlKeyIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("lr: 1e-4\nlearning-rate: 3\n"));
        assertEquals("--config", e.option());
        assertTrue(e.getMessage().contains("learning-rate"), e.getMessage());
    }

    @Test
    void badYamlValueNamesTheOptionAndFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("global-batch: many\n"));
        assertEquals("--global-batch", e.option());
        assertTrue(e.getMessage().contains("test.yaml"), e.getMessage());
        ConfigException e2 = assertThrows(ConfigException.class, () -> parse("epochs: 2.5\n"));
        assertEquals("--epochs", e2.option());
        ConfigException e3 = assertThrows(ConfigException.class, () -> parse("- a\n- b\n"));
        assertEquals("--config", e3.option());
    }

    @Test
    void keysOfOtherCommandsAreSkipped() throws IOException {
        ConfigValues v = YamlConfig.parse(stream("lr: 1e-4\nmodel: runs/x/model\n"), "run.yaml",
                ConfigKey.Scope.EVALUATE);
        assertFalse(v.isSet(ConfigKey.LR));
        assertEquals("runs/x/model", v.get(ConfigKey.MODEL, null));
    }

    @Test
    void toYamlReadsBackToTheSameConfig() throws IOException {
        TrainConfig c = TrainConfig.builder().method("scl").lr(1e-3).steps(7).output("file:/tmp/run 1")
                .set("labels", "b,a").set("train-file", "x.csv").set("dropout", 0.2).set("resume", true).build();
        String yaml = c.toYaml();
        TrainConfig back = TrainConfig.from(YamlConfig.parse(stream(yaml), "config.yaml", ConfigKey.Scope.TRAIN));
        assertEquals(c.toMap(), back.toMap());
        assertEquals(c, back);
        assertTrue(yaml.contains("global-batch: 32"), yaml);
    }

    @Test
    void everyTrainKeyIsInTheResolvedMap() {
        TrainConfig c = TrainConfig.builder().set("train-file", "t.jsonl").set("text-pair-column", "p")
                .set("labels", "x,y").set("dropout", 0.1).set("format", "jsonl").set("dev-file", "d")
                .set("test-file", "t").set("data-dir", "/d").set("master", "local[2]")
                .set("ps-network", "10.0.0.0/8").build();
        for (ConfigKey k : ConfigKey.values()) {
            if (k.appliesTo(ConfigKey.Scope.TRAIN) && k != ConfigKey.STEPS) {
                assertTrue(c.toMap().containsKey(k.key()), "missing " + k.key());
            }
        }
    }

    @Test
    void survivesJavaSerialization() throws Exception {
        TrainConfig c = TrainConfig.builder().method("scl").set("train-file", "t.csv").set("labels", "a,b").build();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new ByteArrayInputStream(bytes.toByteArray()))) {
            TrainConfig back = (TrainConfig) in.readObject();
            assertEquals(c, back);
            assertEquals(c.objective(), back.objective());
        }
    }

    private static ConfigValues parse(String yaml) throws IOException {
        return YamlConfig.parse(stream(yaml), "test.yaml", ConfigKey.Scope.TRAIN);
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
