package io.sparkcl.model.bench;

import java.io.PrintStream;

/** Encoder speed benchmark (CLI: {@code sparkcl bench encoder}). */
public final class EncoderBenchmark {
    private EncoderBenchmark() {
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    public static void run(String[] args, PrintStream out) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
