package io.sparkcl.losses.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A tiny benchmark run produces one row per (N, case) with positive timings; bad options are rejected. */
class LossesBenchmarkTest {

    @Test
    void tinyRunReportsEveryCase() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LossesBenchmark.run(new String[] {"--n", "64,100", "--d", "8", "--repeats", "1", "--block=16"},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> rows = Arrays.stream(bytes.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(l -> l.matches("^\\d+ .*")).toList();
        assertEquals(6, rows.size(), String.join("\n", rows));
        for (String row : rows) {
            assertTrue(row.startsWith("64 ") || row.startsWith("100 "), row);
            double minSeconds = Double.parseDouble(row.replaceAll("^\\d+\\s+\\D+\\s+([0-9.]+).*$", "$1"));
            assertTrue(minSeconds >= 0, row);
        }
        assertTrue(rows.get(1).contains("scl val+grad") && rows.get(2).contains("dualcl val+grad"));
    }

    @Test
    void badOptionsAreRejected() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossesBenchmark.run(new String[] {"--n", "0"}, sink));
        assertTrue(e.getMessage().contains("--n"));
        e = assertThrows(IllegalArgumentException.class, () -> LossesBenchmark.run(new String[] {"--size", "3"}, sink));
        assertTrue(e.getMessage().contains("unknown option --size"));
        e = assertThrows(IllegalArgumentException.class, () -> LossesBenchmark.run(new String[] {"--d"}, sink));
        assertTrue(e.getMessage().contains("needs a value"));
    }
}
