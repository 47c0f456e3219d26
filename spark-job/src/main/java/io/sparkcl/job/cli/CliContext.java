package io.sparkcl.job.cli;

import java.io.PrintStream;

/** Where commands print their results (stdout in production, a buffer in tests). Logs go through SLF4J. */
public record CliContext(PrintStream out, PrintStream err) {
}
