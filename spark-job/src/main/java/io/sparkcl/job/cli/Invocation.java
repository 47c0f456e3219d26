package io.sparkcl.job.cli;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The command line this JVM was started with (for the model card); empty when SparkCL runs as a library. */
public final class Invocation {
    private static volatile String commandLine;

    private Invocation() {
    }

    public static void record(String[] args) {
        commandLine = "sparkcl " + Arrays.stream(args).map(Invocation::quote).collect(Collectors.joining(" "));
    }

    public static Optional<String> commandLine() {
        return Optional.ofNullable(commandLine);
    }

    private static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_./:=,@%+\\-\\[\\]*]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
