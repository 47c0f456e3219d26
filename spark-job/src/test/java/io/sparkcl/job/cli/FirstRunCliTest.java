package io.sparkcl.job.cli;

import io.sparkcl.job.train.report.RunFolderLock;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.sparkcl.job.cli.SparkClCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Options and first-run defects of issue 13 (items 3, 4, 13, 14, 15): errors knowable before Spark come
 * before Spark, with exit 2, naming the option, leaving nothing behind. None of these tests starts Spark.
 */
class FirstRunCliTest {
    @TempDir
    Path tmp;

    private Path trainFile() throws Exception {
        Path f = tmp.resolve("train.jsonl");
        Files.writeString(f, "{\"text\": \"good\", \"label\": \"pos\"}\n{\"text\": \"bad\", \"label\": \"neg\"}\n");
        return f;
    }

    @Test
    void anUnknownModelIsAUsageErrorThatLeavesNoRunFolder() throws Exception {
        Path out = tmp.resolve("run");
        SparkClCliTest.Result r = run("train", "--model", "no-such-model", "--train-file", trainFile().toString(),
                "--output", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--model: unknown model 'no-such-model'"), r.err());
        assertFalse(Files.exists(out), "no run folder is left behind");
    }

    @Test
    void aMissingTrainingFileIsNamedByItsOption() {
        SparkClCliTest.Result r = run("train", "--model", "tiny-random", "--train-file",
                tmp.resolve("missing.jsonl").toString(), "--output", tmp.resolve("run").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--train-file: file not found: "), r.err());
        assertFalse(r.err().contains("split ?"), r.err());
    }

    @Test
    void aRegistryDatasetThatCannotBeDownloadedIsAUsageErrorInOneLine() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("empty-data"));
        Path out = tmp.resolve("no-network-run");
        String property = "sparkcl.download.baseUrl";
        String before = System.getProperty(property);
        System.setProperty(property, "http://127.0.0.1:9/refused/"); // no network: the connection is refused
        SparkClCliTest.Result r;
        try {
            r = run("train", "--dataset", "trec", "--data-dir", data.toUri().toString(), "--model", "tiny-random",
                    "--output", out.toString());
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--dataset: cannot download dataset 'trec'") && r.err().contains("--data-dir"),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertFalse(Files.exists(out), "no run folder is left behind");
    }

    @Test
    void zeroStepsIsReportedAsASteps() {
        SparkClCliTest.Result r = run("train", "--train-file", "t.jsonl", "--steps", "0", "--print-config");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--steps"), r.err());
        assertFalse(r.err().contains("--epochs:"), r.err());
    }

    @Test
    void yamlListsForNumbersAndDuplicateKeysAreClearErrors() throws Exception {
        Path list = tmp.resolve("list.yaml");
        Files.writeString(list, "steps: [1, 2]\n");
        SparkClCliTest.Result r = run("train", "--config", list.toString(), "--print-config");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--steps: expected a whole number"), r.err());
        Path dup = tmp.resolve("dup.yaml");
        Files.writeString(dup, "lr: 1e-3\nlr: 2e-5\n");
        SparkClCliTest.Result d = run("train", "--config", dup.toString(), "--print-config");
        assertEquals(2, d.code(), d.err());
        assertTrue(d.err().toLowerCase().contains("duplicate") && d.err().contains("lr"), d.err());
    }

    @Test
    void aSecondRunOnALockedFolderFailsAtOnce() throws Exception {
        Path out = tmp.resolve("busy");
        try (RunFolderLock held = RunFolderLock.acquire(out.toString(), new Configuration())) {
            SparkClCliTest.Result r = run("train", "--model", "tiny-random", "--train-file", trainFile().toString(),
                    "--output", out.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("is in use by another run"), r.err());
        }
    }

    @Test
    void resumeWithChangedOptionsIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("earlier"));
        Path train = trainFile();
        // the earlier run's resolved configuration, as train writes it
        SparkClCliTest.Result printed = run("train", "--model", "tiny-random", "--train-file", train.toString(),
                "--output", out.toString(), "--lr", "1e-3", "--global-batch", "4", "--print-config");
        assertEquals(0, printed.code(), printed.err());
        Files.writeString(out.resolve("config.yaml"), printed.out());
        Files.createDirectories(out.resolve("checkpoints/last"));
        SparkClCliTest.Result r = run("train", "--model", "tiny-random", "--train-file", train.toString(),
                "--output", out.toString(), "--lr", "5e-4", "--global-batch", "8", "--method", "ce", "--resume");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--lr was 0.001, now 5.0E-4"), r.err());
        assertTrue(r.err().contains("--global-batch was 4, now 8"), r.err());
        assertTrue(r.err().contains("--method was dualcl, now ce"), r.err());
        assertEquals(printed.out(), Files.readString(out.resolve("config.yaml")), "config.yaml untouched");
    }

    @Test
    void helpIsCleanAndScopedToTheCommand() {
        for (String cmd : new String[]{"train", "evaluate", "predict"}) {
            SparkClCliTest.Result r = run(cmd, "--help");
            assertEquals(0, r.code());
            assertFalse(r.err().contains("picocli WARN") || r.out().contains("picocli WARN"), r.err());
            assertFalse(r.out().contains("[=PARAM]"), r.out());
            assertTrue(r.out().contains("1%"), r.out());
        }
        String evaluate = run("evaluate", "--help").out();
        assertFalse(evaluate.contains("all-minilm-l6-v2"), evaluate);
        assertFalse(run("predict", "--help").out().contains("Default: all-minilm"));
        SparkClCliTest.Result help = run("help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("Commands:"), help.out());
        assertEquals(0, run("help", "train").code());
    }

    @Test
    void datasetsListAcceptsTheDataRoot() {
        SparkClCliTest.Result r = run("datasets", "list", "--data-dir", tmp.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sst2"), r.out());
    }

    @Test
    void predictIntoAnExistingFolderDoesNotSuggestResume() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        Path out = Files.createDirectories(tmp.resolve("predictions"));
        Files.writeString(out.resolve("part-0000.csv"), "x");
        Path input = tmp.resolve("in.csv");
        Files.writeString(input, "text\nhello\n");
        SparkClCliTest.Result r = run("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", out.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("already holds"), r.err());
        assertFalse(r.err().contains("--resume"), r.err());
    }

    @Test
    void evaluateOutputEndingInJsonIsAFile() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        // validation alone (no Spark): the results path is a file next to its quarantine folder
        io.sparkcl.job.config.EvaluateConfig c = io.sparkcl.job.config.EvaluateConfig.from(
                new io.sparkcl.job.config.ConfigValues()
                        .set(io.sparkcl.job.config.ConfigKey.MODEL, model.toString(), "test")
                        .set(io.sparkcl.job.config.ConfigKey.TEST_FILE, "t.jsonl", "test")
                        .set(io.sparkcl.job.config.ConfigKey.OUTPUT, tmp.resolve("runs/eval.json").toString(), "test"));
        assertEquals(tmp.resolve("runs/eval.json").toString(), c.resultsFile());
        assertEquals(tmp.resolve("runs/eval-quarantine").toString(), c.quarantineDir());
        Files.createDirectories(tmp.resolve("runs"));
        c.validate();
        assertFalse(Files.isDirectory(tmp.resolve("runs/eval.json")), "no folder named eval.json");
    }
}
