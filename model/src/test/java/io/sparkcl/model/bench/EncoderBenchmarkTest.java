package io.sparkcl.model.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncoderBenchmarkTest {

    @Test
    void optionsParseAndBadOptionsAreNamed() {
        EncoderBenchmark.Options o = EncoderBenchmark.Options.parse(new String[]{"--batch", "4", "--length", "16",
                "--steps", "2", "--threads", "1", "--memory-steps", "10,3", "--model", "tiny-random", "--pooling",
                "MEAN"});
        assertEquals(4, o.batch());
        assertEquals(16, o.length());
        assertEquals("tiny-random", o.model());
        assertArrayEquals(new long[]{3, 10}, o.memorySteps());
        assertEquals(io.sparkcl.model.encoder.Pooling.MEAN, o.pooling());
        assertEquals(io.sparkcl.model.encoder.Pooling.CLS, EncoderBenchmark.Options.parse(new String[0]).pooling());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> EncoderBenchmark.Options.parse(new String[]{"--pooling", "max"}));
        assertTrue(p.getMessage().contains("--pooling") && p.getMessage().contains("max"), p.getMessage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncoderBenchmark.Options.parse(new String[]{"--batch", "-1"}));
        assertTrue(e.getMessage().contains("--batch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EncoderBenchmark.Options.parse(new String[]{"--bogus", "1"}));
        assertTrue(e.getMessage().contains("--bogus"), e.getMessage());
    }

    @Test
    void smokeRunOnTheTinyModelEndsWithTheRatioLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EncoderBenchmark.run(new String[]{"--model", "tiny-random", "--batch", "2", "--length", "8", "--steps", "1",
                "--memory-steps", "2"}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
        String text = String.join("\n", lines);
        assertTrue(text.contains("SparkCL train step"), text);
        assertTrue(text.contains("memory after 2 training steps"), text);
        assertTrue(text.contains("onnxruntime: skipped"), text); // tiny-random has no ONNX file
        assertTrue(lines[lines.length - 1].startsWith("train_step_vs_3x_onnxruntime_forward: "), text);
    }
}
