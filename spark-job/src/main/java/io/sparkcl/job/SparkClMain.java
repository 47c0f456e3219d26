package io.sparkcl.job;

import io.sparkcl.job.cli.CliContext;
import io.sparkcl.job.cli.SparkClCommand;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.PrintStream;

/** Entry point of the {@code sparkcl} command (deploy/bin/sparkcl, spark-submit --class, java -jar). */
public final class SparkClMain {
    private SparkClMain() {
    }

    public static void main(String[] args) {
        // exit explicitly: libraries (Spark, ND4J) may leave non-daemon threads behind
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code (0 ok, 1 job failed, 2 bad options or config). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        routeJulToSlf4j();
        io.sparkcl.job.cli.Invocation.record(args);
        return SparkClCommand.build(new CliContext(out, err)).execute(args);
    }

    /** java.util.logging (used by some dependencies) goes to SLF4J like everything else. */
    private static void routeJulToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
