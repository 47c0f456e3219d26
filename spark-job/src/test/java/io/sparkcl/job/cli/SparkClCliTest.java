package io.sparkcl.job.cli;

import io.sparkcl.job.SparkClMain;
import io.sparkcl.job.config.ConfigKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class SparkClCliTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkClMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpOfEveryCommandListsItsOptions() {
        for (var scope : new Object[][]{{"train", ConfigKey.Scope.TRAIN}, {"evaluate", ConfigKey.Scope.EVALUATE},
                {"predict", ConfigKey.Scope.PREDICT}}) {
            Result r = run((String) scope[0], "--help");
            assertEquals(0, r.code(), r.err());
            for (ConfigKey k : ConfigKey.values()) {
                java.util.regex.Pattern optionLine = java.util.regex.Pattern.compile(
                        "^  (-\\w, |    )" + java.util.regex.Pattern.quote(k.optionName()) + "([= \\[].*)?$");
                boolean shown = r.out().lines().anyMatch(l -> optionLine.matcher(l).matches());
                assertEquals(k.appliesTo((ConfigKey.Scope) scope[1]), shown, scope[0] + " help and " + k.optionName()
                        + ":\n" + r.out());
            }
            assertTrue(r.out().contains("--config"), r.out());
        }
        Result top = run("--help");
        assertEquals(0, top.code());
        for (String cmd : new String[]{"train", "evaluate", "predict", "datasets", "bench"}) {
            assertTrue(top.out().contains(cmd), top.out());
        }
        for (String[] sub : new String[][]{{"datasets", "list"}, {"datasets", "show"}, {"datasets", "download"},
                {"bench", "encoder"}, {"bench", "losses"}, {"datasets"}, {"bench"}}) {
            String[] args = java.util.Arrays.copyOf(sub, sub.length + 1);
            args[sub.length] = "--help";
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: sparkcl " + String.join(" ", sub)), r.out());
        }
    }

    @Test
    void helpShowsDefaults() {
        String help = run("train", "--help").out();
        assertTrue(help.contains("Default: dualcl"), help);
        assertTrue(help.contains("0.5 for dualcl, 0.9 for scl"), help);
    }

    @Test
    void versionNamesTheBuild() {
        Result r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("(?s)sparkcl \\d+\\.\\d+\\.\\d+.*Spark 3\\.5\\..*"), r.out());
    }

    @Test
    void printConfigMergesFileAndCommandLine() throws IOException {
        Path yaml = Files.writeString(tmp.resolve("my.yaml"), "lr: 1e-4\nglobal-batch: 64\ntrain-file: t.jsonl\n"
                + "method: scl\n");
        Result r = run("train", "--config", yaml.toString(), "--lr", "5e-5", "--resume=false", "--freeze-embeddings",
                "--output", tmp.resolve("run").toString(), "--print-config");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("lr: 5.0E-5"), r.out());
        assertTrue(r.out().contains("global-batch: 64"), r.out());
        assertTrue(r.out().contains("lambda: 0.9"), r.out());
        assertTrue(r.out().contains("freeze-embeddings: true"), r.out());
        assertFalse(Files.exists(tmp.resolve("run")), "--print-config touches no file");
    }

    @Test
    void badValueIsOneLineNamingTheOption() {
        Result r = run("train", "--train-file", "t.jsonl", "--lambda", "2", "--print-config");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("sparkcl train: error: --lambda: must be in [0,1], got 2.0"), r.err());
        Result r2 = run("train", "--global-batch", "ten");
        assertEquals(2, r2.code());
        assertTrue(r2.err().contains("--global-batch: expected a whole number, got 'ten'"), r2.err());
    }

    @Test
    void unknownOptionAndMissingCommandAreUsageErrors() {
        Result r = run("train", "--learning-rate", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--learning-rate"), r.err());
        assertEquals(2, run().code());
        assertEquals(2, run("datasets").code());
    }

    @Test
    void unwritableOutputStopsBeforeSpark() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        Path train = Files.writeString(tmp.resolve("t.jsonl"), "{\"text\": \"a\", \"label\": \"x\"}\n");
        Result r = run("train", "--model", "tiny-random", "--train-file", train.toString(), "--output",
                file.resolve("run").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--output"), r.err());
    }

    @Test
    void evaluateAndPredictNeedAModelFolder() throws IOException {
        String input = Files.writeString(tmp.resolve("x.csv"), "text\nhello\n").toString();
        Result r = run("evaluate", "--test-file", input);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model: give the fine-tuned model folder"), r.err());
        Result p = run("predict", "--model", tmp.resolve("none").toString(), "--input", input,
                "--output", tmp.resolve("p").toString());
        assertEquals(2, p.code());
        assertTrue(p.err().contains("--model: no fine-tuned model folder"), p.err());
        Result q = run("predict", "--model", tmp.toString(), "--input", input);
        assertEquals(2, q.code());
        assertTrue(q.err().contains("--output"), q.err());
    }

    @Test
    void datasetsListShowsTheRegistry() {
        Result r = run("datasets", "list");
        assertEquals(0, r.code(), r.err());
        for (String name : io.sparkcl.datasets.registry.DatasetRegistry.names()) {
            assertTrue(r.out().contains(name), name + " in\n" + r.out());
        }
    }

    @Test
    void unknownDatasetIsRejectedBeforeSpark() {
        Result r = run("train", "--dataset", "imdb", "--print-config");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--dataset: unknown dataset 'imdb'; registry datasets are sst2"), r.err());
    }

    @Test
    void benchLossesRunsWithItsOwnArguments() {
        Result r = run("bench", "losses", "--n", "16", "--d", "8", "--classes", "3", "--repeats", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# losses benchmark: d=8 K=3"), r.out());
        Result bad = run("bench", "losses", "--d", "-1");
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("sparkcl bench losses: error: "), bad.err());
        assertTrue(bad.err().contains("--d"), bad.err());
    }
}
