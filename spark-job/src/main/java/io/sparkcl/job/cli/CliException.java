package io.sparkcl.job.cli;

/** A user-facing failure of a command: printed as one line, without a stack trace; exit code 1. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message);
    }
}
