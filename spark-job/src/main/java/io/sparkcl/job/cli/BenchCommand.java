package io.sparkcl.job.cli;

import io.sparkcl.job.shared.ModesBenchmark;
import io.sparkcl.job.train.bench.MemoryBenchmark;
import io.sparkcl.job.train.bench.StepBenchmark;
import io.sparkcl.losses.bench.LossesBenchmark;
import io.sparkcl.model.bench.EncoderBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** {@code sparkcl bench encoder|losses|modes|train-memory|step [ARGS…]}: the benchmarks of the model and losses modules. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Micro-benchmarks (printed as a report).")
public final class BenchCommand implements Runnable {
    /** A benchmark's subcommand: its name, its {@code run(String[] args, PrintStream out)} and its help lines. */
    private record Benchmark(String name, BiConsumer<String[], PrintStream> main, String... description) {
    }

    private static final List<Benchmark> BENCHMARKS = List.of(
            new Benchmark("encoder", EncoderBenchmark::run,
                    "Encoder forward/backward throughput and memory (io.sparkcl.model.bench.EncoderBenchmark).",
                    "Other arguments (--model, --batch, --length, --steps, --threads, …) are passed to the "
                            + "benchmark; see the model module's README."),
            new Benchmark("losses", LossesBenchmark::run,
                    "CE/SCL/DualCL loss and gradient timings (io.sparkcl.losses.bench.LossesBenchmark).",
                    "Other arguments (--n, --d, --classes, --tau, --repeats, --block, --dtype) are passed to the "
                            + "benchmark; see the losses module's README."),
            new Benchmark("modes", ModesBenchmark::run,
                    "Exact vs shared mode on a loopback standalone cluster: sequences/s, bytes per step and "
                            + "executor, test accuracy (io.sparkcl.job.shared.ModesBenchmark).",
                    "--workers N, --worker-memory M, --out DIR; other arguments are train options for both runs; "
                            + "see spark-job/README-shared.md."),
            new Benchmark("train-memory", MemoryBenchmark::run,
                    "Peak memory of one exact-mode step: large global batch vs one micro-batch "
                            + "(io.sparkcl.job.train.bench.MemoryBenchmark).",
                    "Other arguments are passed to the benchmark; see spark-job/README-training.md."),
            new Benchmark("step", StepBenchmark::run,
                    "Exact-mode step on embedded Spark vs the one-process LocalReferenceTrainer: sequences/s, their "
                            + "ratio, step overhead, driver update, gradient bytes "
                            + "(io.sparkcl.job.train.bench.StepBenchmark).",
                    "Other arguments (--model, --method, --batch, --micro, --seq-len, --steps, --warmup, --master, "
                            + "--partitions) are passed to the benchmark; see spark-job/README-training.md."));

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "give a benchmark: encoder, losses, modes, train-memory or step");
    }

    /** {@code sparkcl bench} with one subcommand per benchmark, printing to {@code ctx}. */
    static CommandLine command(CliContext ctx) {
        CommandLine bench = new CommandLine(new BenchCommand());
        for (Benchmark b : BENCHMARKS) {
            CommandLine sub = new CommandLine(new Runner(ctx, b.main()));
            sub.getCommandSpec().name(b.name()).usageMessage().description(b.description());
            bench.addSubcommand(sub);
        }
        return bench;
    }

    /** Runs a benchmark with the arguments after its name. */
    @Command(mixinStandardHelpOptions = true)
    static final class Runner implements Runnable {
        @Unmatched
        List<String> args = new ArrayList<>();

        private final CliContext ctx;
        private final BiConsumer<String[], PrintStream> benchmark;

        Runner(CliContext ctx, BiConsumer<String[], PrintStream> benchmark) {
            this.ctx = ctx;
            this.benchmark = benchmark;
        }

        @Override
        public void run() {
            try {
                benchmark.accept(args.toArray(new String[0]), ctx.out());
            } catch (IllegalArgumentException e) {
                // the benchmarks report bad options this way
                throw new CliException(e.getMessage());
            }
        }
    }
}
