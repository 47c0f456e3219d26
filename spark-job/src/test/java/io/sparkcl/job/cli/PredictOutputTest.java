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
 * {@code predict} keeps its quarantine and writes RFC 4180 CSV (issue 13, items 7, 9 and 11), through the
 * command line on a 2-step tiny model.
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
}
