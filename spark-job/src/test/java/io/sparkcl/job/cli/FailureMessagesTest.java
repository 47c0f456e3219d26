package io.sparkcl.job.cli;

import io.sparkcl.job.train.report.StorageFullException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A full disk is one line on stderr, wherever in the cause chain it was found (issue 13, item 6). */
class FailureMessagesTest {

    private static String handled(Exception e) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = SparkClCommand.build(new CliContext(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        CommandLine train = cl.getSubcommands().get("train");
        assertEquals(SparkClCommand.EXIT_FAILURE, SparkClCommand.handle(e, train));
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFullDiskIsOneLineNamingThePath() {
        RuntimeException wrapped = new RuntimeException("job aborted",
                new StorageFullException("file:/runs/x/checkpoints/last", new IOException("No space left on device")));
        assertEquals("sparkcl train: failed: no space left on file:/runs/x/checkpoints/last\n", handled(wrapped));
    }

    @Test
    void aFullDiskSeenOnlyAsAnIoErrorIsStillOneLine() {
        String err = handled(new UncheckedIOException(new IOException("No space left on device")));
        assertEquals(1, err.lines().count(), err);
        assertEquals(true, err.startsWith("sparkcl train: failed: no space left on device"), err);
    }
}
