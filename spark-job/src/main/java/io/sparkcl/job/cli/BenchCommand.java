package io.sparkcl.job.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code sparkcl bench encoder|losses [ARGS…]}: the benchmarks of the model and losses modules. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Micro-benchmarks (printed as a report).")
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "give a benchmark: encoder or losses");
    }

    /** Runs {@code className.run(String[] args, PrintStream out)} with the arguments after the benchmark name. */
    abstract static class Runner implements Runnable {
        @Unmatched
        List<String> args = new ArrayList<>();

        private final CliContext ctx;
        private final String className;

        Runner(CliContext ctx, String className) {
            this.ctx = ctx;
            this.className = className;
        }

        @Override
        public void run() {
            OptionalApi.invokeStatic(className, "run", new Class<?>[]{String[].class, PrintStream.class},
                    args.toArray(new String[0]), ctx.out());
        }
    }

    @Command(name = "encoder", mixinStandardHelpOptions = true,
            description = {"Encoder forward/backward throughput and memory (io.sparkcl.model.bench.EncoderBenchmark).",
                    "Other arguments are passed to the benchmark; see its README section."})
    public static final class Encoder extends Runner {
        public Encoder(CliContext ctx) {
            super(ctx, "io.sparkcl.model.bench.EncoderBenchmark");
        }
    }

    @Command(name = "losses", mixinStandardHelpOptions = true,
            description = {"CE/SCL/DualCL loss and gradient timings (io.sparkcl.losses.bench.LossesBenchmark).",
                    "Other arguments are passed to the benchmark; see its README section."})
    public static final class Losses extends Runner {
        public Losses(CliContext ctx) {
            super(ctx, "io.sparkcl.losses.bench.LossesBenchmark");
        }
    }
}
