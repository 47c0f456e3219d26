package io.sparkcl.job.cli;

import io.sparkcl.job.shared.ModesBenchmark;
import io.sparkcl.job.train.bench.MemoryBenchmark;
import io.sparkcl.job.train.bench.StepBenchmark;
import io.sparkcl.losses.bench.LossesBenchmark;
import io.sparkcl.model.bench.EncoderBenchmark;
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
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give a benchmark: encoder, losses, modes, train-memory or step");
    }

    /** Runs a benchmark's {@code run(String[] args, PrintStream out)} with the arguments after its name. */
    abstract static class Runner implements Runnable {
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

    @Command(name = "encoder", mixinStandardHelpOptions = true,
            description = {"Encoder forward/backward throughput and memory (io.sparkcl.model.bench.EncoderBenchmark).",
                    "Other arguments (--model, --batch, --length, --steps, --threads, …) are passed to the "
                            + "benchmark; see the model module's README."})
    public static final class Encoder extends Runner {
        public Encoder(CliContext ctx) {
            super(ctx, EncoderBenchmark::run);
        }
    }

    @Command(name = "losses", mixinStandardHelpOptions = true,
            description = {"CE/SCL/DualCL loss and gradient timings (io.sparkcl.losses.bench.LossesBenchmark).",
                    "Other arguments (--n, --d, --classes, --tau, --repeats, --block, --dtype) are passed to the "
                            + "benchmark; see the losses module's README."})
    public static final class Losses extends Runner {
        public Losses(CliContext ctx) {
            super(ctx, LossesBenchmark::run);
        }
    }
    @Command(name = "modes", mixinStandardHelpOptions = true,
            description = {"Exact vs shared mode on a loopback standalone cluster: sequences/s, bytes per step and "
                    + "executor, test accuracy (io.sparkcl.job.shared.ModesBenchmark).",
                    "--workers N, --worker-memory M, --out DIR; other arguments are train options for both runs; "
                            + "see spark-job/README-shared.md."})
    public static final class Modes extends Runner {
        public Modes(CliContext ctx) {
            super(ctx, ModesBenchmark::run);
        }
    }

    @Command(name = "train-memory", mixinStandardHelpOptions = true,
            description = {"Peak memory of one exact-mode step: large global batch vs one micro-batch "
                    + "(io.sparkcl.job.train.bench.MemoryBenchmark).",
                    "Other arguments are passed to the benchmark; see spark-job/README-training.md."})
    public static final class TrainMemory extends Runner {
        public TrainMemory(CliContext ctx) {
            super(ctx, MemoryBenchmark::run);
        }
    }

    @Command(name = "step", mixinStandardHelpOptions = true,
            description = {"Exact-mode step on embedded Spark vs the one-process LocalReferenceTrainer: sequences/s, "
                    + "their ratio, step overhead, driver update, gradient bytes (io.sparkcl.job.train.bench.StepBenchmark).",
                    "Other arguments (--model, --method, --batch, --micro, --seq-len, --steps, --warmup, --master, "
                            + "--partitions) are passed to the benchmark; see spark-job/README-training.md."})
    public static final class Step extends Runner {
        public Step(CliContext ctx) {
            super(ctx, StepBenchmark::run);
        }
    }
}
