package io.sparkcl.job.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.sparkcl.job.cli.SparkClCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code predict} keeps its quarantine, writes RFC 4180 CSV and keeps the user's own row ids (issue 13, items 7,
 * 9 and 11), through the command line on a 2-step tiny model.
 */
class PredictOutputTest {
    @TempDir
    static Path tmp;
    static Path model;

    static final List<String> TEXTS = List.of("plain", "with, comma", "say \"hi\" twice \"\"", "two\nlines",
            "ends with quote\"", "a \\\" backslash quote");

    @BeforeAll
    static void trainATinyModel() throws Exception {
        Path train = tmp.resolve("train.jsonl");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            rows.append("{\"text\": \"row ").append(i).append("\", \"label\": \"").append(i % 2 == 0 ? "a" : "b")
                    .append("\"}\n");
        }
        Files.writeString(train, rows.toString());
        Path run = tmp.resolve("run");
        SparkClCliTest.Result r = run("train", "--model", "tiny-random", "--train-file", train.toString(),
                "--method", "ce", "--steps", "2", "--global-batch", "4", "--max-length", "16", "--lr", "1e-3",
                "--partitions", "1", "--output", run.toString());
        assertEquals(0, r.code(), r.err());
        model = run.resolve("model");
        // trainer.json records what was used (item 17): the data root and the model's own dropout
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> trainer = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(run.resolve("trainer.json").toFile(), java.util.Map.class);
        assertTrue(trainer.get("data-dir") != null, trainer.toString());
        assertTrue(((Number) trainer.get("dropout")).doubleValue() >= 0, trainer.toString());
    }

    /** An independent RFC 4180 reader: quoted fields, doubled quotes, line breaks inside quotes. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (!record.isEmpty() || field.length() > 0) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    private static String csvField(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Test
    void predictionsAreRfc4180CsvAndTheQuarantineSurvives() throws Exception {
        StringBuilder in = new StringBuilder("text\n");
        for (String t : TEXTS) {
            in.append(csvField(t)).append('\n');
        }
        in.append("\"\"\n"); // an empty text: quarantined
        Path input = tmp.resolve("input.csv");
        Files.writeString(input, in.toString());
        Path out = tmp.resolve("predictions");
        SparkClCliTest.Result r = run("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", out.toString(), "--output-format", "csv", "--max-bad-rows", "5");
        assertEquals(0, r.code(), r.err());

        List<Path> quarantined;
        try (Stream<Path> s = Files.walk(out.resolve("_quarantine"))) {
            quarantined = s.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
        }
        assertEquals(1, quarantined.size(), "the bad row's quarantine file is still there");
        assertTrue(Files.readString(quarantined.get(0)).contains("empty_text"));

        List<String> texts = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path part : s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                List<List<String>> records = parseCsv(Files.readString(part, StandardCharsets.UTF_8));
                int textColumn = records.get(0).indexOf("text");
                for (List<String> rec : records.subList(1, records.size())) {
                    texts.add(rec.get(textColumn));
                }
            }
        }
        assertEquals(TEXTS.stream().sorted().toList(), texts.stream().sorted().toList());
    }

    /** The predictions of one run as records (header first), read with the independent CSV reader. */
    private static List<List<String>> predictions(Path out) throws Exception {
        List<List<String>> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(out)) {
            for (Path part : s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                List<List<String>> records = parseCsv(Files.readString(part, StandardCharsets.UTF_8));
                if (all.isEmpty()) {
                    all.add(records.get(0));
                }
                all.addAll(records.subList(1, records.size()));
            }
        }
        return all;
    }

    @Test
    void predictionsKeepAnIdColumnOfTheInputInInputOrder() throws Exception {
        // ids that sort differently from the input order, one empty (that row gets a generated id)
        List<String> ids = List.of("r-9", "r-10", "42", "a b", "r-1", "");
        StringBuilder in = new StringBuilder("id,text\n");
        for (int i = 0; i < ids.size(); i++) {
            in.append(csvField(ids.get(i))).append(',').append(csvField("text " + i)).append('\n');
        }
        Path input = tmp.resolve("with-id.csv");
        Files.writeString(input, in.toString());
        Path out = tmp.resolve("predictions-with-id");
        SparkClCliTest.Result r = run("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", out.toString(), "--output-format", "csv");
        assertEquals(0, r.code(), r.err());

        List<List<String>> records = predictions(out);
        int idColumn = records.get(0).indexOf("id");
        int textColumn = records.get(0).indexOf("text");
        List<String> gotIds = new ArrayList<>();
        List<String> gotTexts = new ArrayList<>();
        for (List<String> rec : records.subList(1, records.size())) {
            gotIds.add(rec.get(idColumn));
            gotTexts.add(rec.get(textColumn));
        }
        assertEquals(List.of("text 0", "text 1", "text 2", "text 3", "text 4", "text 5"), gotTexts,
                "predictions come in input order");
        assertEquals(ids.subList(0, 5), gotIds.subList(0, 5), "the input's own ids are kept");
        assertEquals("custom:test:7", gotIds.get(5), "a row without an id gets a generated one (file line 7)");
    }

    @Test
    void anIdColumnNamedByTheUserIsRequiredAndARepeatedIdIsQuarantined() throws Exception {
        Path input = tmp.resolve("doc-ids.jsonl");
        Files.writeString(input, """
                {"doc": "d1", "text": "first"}
                {"doc": "d2", "text": "second"}
                {"doc": "d1", "text": "first again"}
                {"text": "no id"}
                """);
        Path out = tmp.resolve("predictions-doc-ids");
        SparkClCliTest.Result r = run("predict", "--model", model.toString(), "--input", input.toString(),
                "--id-column", "doc", "--output", out.toString(), "--output-format", "csv", "--max-bad-rows", "2");
        assertEquals(0, r.code(), r.err());
        List<List<String>> records = predictions(out);
        int idColumn = records.get(0).indexOf("id");
        assertEquals(List.of("d1", "d2"), records.subList(1, records.size()).stream().map(x -> x.get(idColumn)).toList());
        String quarantine;
        try (Stream<Path> s = Files.walk(out.resolve("_quarantine"))) {
            quarantine = s.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .map(p -> { try { return Files.readString(p); } catch (Exception e) { throw new RuntimeException(e); } })
                    .reduce("", String::concat);
        }
        assertTrue(quarantine.contains("duplicate_id") && quarantine.contains("first again"), quarantine);
        assertTrue(quarantine.contains("missing_column") && quarantine.contains("no id"), quarantine);

        Path missing = tmp.resolve("predictions-no-such-column");
        SparkClCliTest.Result bad = run("predict", "--model", model.toString(), "--input", input.toString(),
                "--id-column", "key", "--output", missing.toString());
        assertEquals(true, bad.code() != 0, "an id column the input does not have is an error");
        assertTrue(bad.err().contains("key"), bad.err());
    }
}
