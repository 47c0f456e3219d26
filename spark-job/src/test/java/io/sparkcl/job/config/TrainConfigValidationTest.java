package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.sparkcl.job.config.TrainConfigTest.CATALOG;
import static org.junit.jupiter.api.Assertions.*;

class TrainConfigValidationTest {
    @TempDir
    Path tmp;

    /** Each row: options (key=value;…) and the option the error must name. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "dataset=imdb | --dataset",
            "lambda=1.5 | --lambda",
            "lambda=-0.1 | --lambda",
            "tau=0 | --tau",
            "tau=-1 | --tau",
            "method=simclr | --method",
            "pooling=max | --pooling",
            "global-batch=16;micro-batch=32 | --micro-batch",
            "micro-batch=0 | --micro-batch",
            "global-batch=1;method=scl | --global-batch",
            "global-batch=0;method=ce | --global-batch",
            "epochs=2;steps=100 | --steps",
            "epochs=0 | --epochs",
            "lr=0 | --lr",
            "lr=-1e-5 | --lr",
            "warmup=-1 | --warmup",
            "weight-decay=-0.01 | --weight-decay",
            "max-grad-norm=-1 | --max-grad-norm",
            "max-length=4 | --max-length",
            "max-length=4096 | --max-length",
            "dropout=1.0 | --dropout",
            "dropout=-0.5 | --dropout",
            "few-shot=-1 | --few-shot",
            "fraction=0 | --fraction",
            "fraction=1.5 | --fraction",
            "few-shot=10;fraction=0.5 | --fraction",
            "label-noise=1 | --label-noise",
            "label-noise=-0.1 | --label-noise",
            "dev-fraction=1 | --dev-fraction",
            "dev-fraction=-0.1 | --dev-fraction",
            "dev-max-rows=0 | --dev-max-rows",
            "eval-every=-1 | --eval-every",
            "eval-batch=0 | --eval-batch",
            "checkpoint-every=-5 | --checkpoint-every",
            "log-every=0 | --log-every",
            "save-total-limit=0 | --save-total-limit",
            "partitions=-1 | --partitions",
            "max-bad-rows=lots | --max-bad-rows",
            "max-bad-rows=1.5 | --max-bad-rows",
            "max-bad-rows=200% | --max-bad-rows",
            "dev-file=d.jsonl | --dev-file",
            "train-file=t.jsonl;format=xml | --format",
            "train-file=t.jsonl;labels=only | --labels",
            "train-file=t.jsonl;labels=a,b,a | --labels",
            "train-file=t.jsonl;text-column= | --text-column",
            "model= | --model",
            "master= | --master",
            "mode=async | --mode",
            "mode=shared;steps=10 | --steps",
            "ps-port=80 | --ps-port",
            "ps-port=70000 | --ps-port",
            "ps-network=10.0.0.0 | --ps-network",
            "ps-network=10.0.0.0/33 | --ps-network",
            "ps-network=0.0.0.0/x | --ps-network",
            "ps-threshold=0 | --ps-threshold",
    })
    void badValueNamesTheOption(String options, String option) {
        TrainConfig.Builder b = TrainConfig.builder();
        for (String kv : options.split(";")) {
            String[] p = kv.split("=", 2);
            b.set(p[0].trim(), p[1]);
        }
        ConfigException e = assertThrows(ConfigException.class, () -> b.build().validateValues(CATALOG));
        assertEquals(option, e.option(), e.getMessage());
        assertTrue(e.getMessage().startsWith(option + ": "), e.getMessage());
    }

    @Test
    void goodValuesPass() {
        TrainConfig.builder().method("scl").lambda(1).tau(0.05).globalBatch(512).microBatch(16)
                .set("few-shot", 20).set("label-noise", 0.2).set("max-bad-rows", "1%").build().validateValues(CATALOG);
        TrainConfig.builder().set("train-file", "t.csv").set("format", "CSV").set("labels", "a,b")
                .set("dataset", "imdb").build().validateValues(CATALOG);
        TrainConfig.builder().method("ce").globalBatch(1).build().validateValues(CATALOG);
    }

    @Test
    void sharedModeOptions() {
        TrainConfig exact = TrainConfig.builder().lr(3e-5).build().validateValues(CATALOG);
        assertFalse(exact.mode().shared());
        TrainConfig shared = TrainConfig.builder().lr(3e-5).set("mode", "shared").set("ps-port", 41000)
                .set("ps-network", "10.1.0.0/16").build().validateValues(CATALOG);
        assertTrue(shared.mode().shared());
        assertEquals(41000, shared.mode().psPort());
        assertEquals("10.1.0.0/16", shared.mode().psNetwork());
        assertEquals(3e-5, shared.mode().psThreshold(), 0.0, "the threshold defaults to the learning rate");
        assertEquals(1e-3, TrainConfig.builder().set("mode", "shared").set("ps-threshold", 1e-3).build().mode()
                .psThreshold(), 0.0);
    }

    @Test
    void unknownDatasetListsTheRegistry() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainConfig.builder().dataset("sst-2").build().validateValues(CATALOG));
        assertTrue(e.getMessage().contains("sst2, trec, glue-rte"), e.getMessage());
    }

    @Test
    void typeErrorsNameTheOption() {
        assertEquals("--global-batch", assertThrows(ConfigException.class,
                () -> TrainConfig.builder().set("global-batch", "32x")).option());
        assertEquals("--lr", assertThrows(ConfigException.class,
                () -> TrainConfig.builder().set("lr", "fast")).option());
        assertEquals("--resume", assertThrows(ConfigException.class,
                () -> TrainConfig.builder().set("resume", "maybe")).option());
        assertEquals("--learning-rate", assertThrows(ConfigException.class,
                () -> TrainConfig.builder().set("--learning-rate", "1")).option());
    }

    @Test
    void outputFolderIsCreatedAndProbed() {
        Path out = tmp.resolve("runs/a");
        TrainConfig.builder().output(out.toString()).build().validate(CATALOG, new Configuration());
        assertTrue(Files.isDirectory(out));
        assertFalse(Files.exists(out.resolve(OutputFolderCheck.PROBE)), "probe file removed");
    }

    @Test
    void unwritableOutputIsRejected() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.builder()
                .output(file.resolve("run").toString()).build().validate(CATALOG, new Configuration()));
        assertEquals("--output", e.option());
        ConfigException e2 = assertThrows(ConfigException.class, () -> TrainConfig.builder()
                .output(file.toString()).build().validate(CATALOG, new Configuration()));
        assertTrue(e2.getMessage().contains("is a file"), e2.getMessage());
    }

    @Test
    void anEarlierRunNeedsResume() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("metrics.jsonl"), "{}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.builder()
                .output(run.toString()).build().validate(CATALOG, new Configuration()));
        assertEquals("--output", e.option());
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        TrainConfig.builder().output(run.toString()).set("resume", true).build().validate(CATALOG, new Configuration());
    }

    @Test
    void resumeNeedsAnExistingRun() {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainConfig.builder()
                .output(tmp.resolve("nothing").toString()).set("resume", "true").build()
                .validate(CATALOG, new Configuration()));
        assertEquals("--resume", e.option());
    }
}
