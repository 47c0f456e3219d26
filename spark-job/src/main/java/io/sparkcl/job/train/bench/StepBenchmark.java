package io.sparkcl.job.train.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.cli.SparkSessions;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.ExactTrainer;
import io.sparkcl.job.train.LocalReferenceTrainer;
import io.sparkcl.job.train.ModelStart;
import io.sparkcl.job.train.TrainingData;
import io.sparkcl.job.train.TrainingRun;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.exec.FaultInjection;
import io.sparkcl.job.train.report.RunFolder;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * {@code bench step}: the exact trainer on embedded Spark against {@link LocalReferenceTrainer} (one process, one
 * full-batch forward and backward per step, the same optimizer), in this JVM, on the same rows and shape: random
 * token rows of a fixed length, random weights of the model's size (time does not depend on either). Prints
 * sequences/s of both (the reference runs before and after the exact trainer, so a change of load shows) and their
 * ratio, and the exact trainer's median step split from its metrics.jsonl.
 *
 * <p>Options: {@code --model minilm|tiny} (default minilm), {@code --method dualcl|scl|ce} (dualcl),
 * {@code --batch 32}, {@code --micro 16}, {@code --seq-len 64}, {@code --steps 6}, {@code --warmup 1} (first steps
 * not counted), {@code --master local[*]}, {@code --partitions 0} (Spark's default parallelism), {@code --labels 2}.
 * Spark runs with the job's own session settings ({@link SparkSessions}); {@code -Dspark.…} system properties
 * override them, as for the job.
 */
public final class StepBenchmark {
    private static final List<String> SPLIT = List.of("pass1_ms", "pass2_ms", "driver_loss_ms", "pass1_job_ms",
            "pass2_job_ms", "params_load_ms", "grad_unpack_ms", "update_ms", "broadcast_ms");

    private StepBenchmark() {
    }

    /** What both trainers run: the model size, method, batch shape and number of steps. */
    private record Shape(String model, String method, int batch, int micro, int seqLen, int steps, int warmup,
                         int labels) {
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    public static int run(String[] args, PrintStream out) {
        BenchOptions o = new BenchOptions("bench step", args, List.of("model", "method", "batch", "micro",
                "seq-len", "steps", "warmup", "master", "partitions", "labels", "kept"));
        Shape sh = new Shape(o.get("model", "minilm"), o.get("method", "dualcl"), o.getInt("batch", 32),
                o.getInt("micro", 16), o.getInt("seq-len", 64), o.getInt("steps", 6), o.getInt("warmup", 1),
                o.getInt("labels", 2));
        String master = o.get("master", "local[*]");
        int partitions = o.getInt("partitions", 0);
        int kept = o.getInt("kept", (Integer) ConfigKey.KEPT_MICRO_BATCHES.defaultValue());
        if (sh.steps <= sh.warmup || sh.warmup < 0) {
            throw new IllegalArgumentException("bench step: --steps " + sh.steps + " must exceed --warmup " + sh.warmup);
        }
        BertConfig cfg = MemoryBenchmark.config(sh.model);
        boolean dual = sh.method.equals("dualcl");
        List<TrainingRow> rows = MemoryBenchmark.rows(sh.batch * sh.steps, sh.seqLen, cfg.vocabSize(), sh.labels, dual);
        ModelStart start = new ModelStart(cfg, sh.labels,
                BertParameters.randomInit(cfg, sh.labels, 1, DataType.FLOAT).flat().dup().data().asFloat());
        Path dir = tempDir();
        TrainConfig config = TrainConfig.builder().dataset("bench").model(sh.model).method(sh.method).globalBatch(sh.batch)
                .microBatch(sh.micro).steps(sh.steps).maxLength(sh.seqLen).set(ConfigKey.EVAL_EVERY, (long) sh.steps)
                .set(ConfigKey.CHECKPOINT_EVERY, 0L).set(ConfigKey.KEPT_MICRO_BATCHES, kept)
                .output(dir.resolve("exact").toUri().toString()).build();

        // the job's own session settings (SparkSessions), so the benchmark measures what sparkcl train runs
        SparkSession spark = SparkSessions.create("sparkcl-bench-step", master);
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int parts = partitions > 0 ? partitions : jsc.defaultParallelism();
            out.printf(Locale.ROOT, "bench step: model %s (random weights, %d parameters), method %s, global batch "
                            + "%d, micro-batch %d (last %d of a shard kept for pass 2), %d tokens per row, %d steps "
                            + "(first %d not counted), master %s (%d partitions), %d cores%n", sh.model,
                    start.params().length, sh.method, sh.batch, sh.micro, kept, sh.seqLen, sh.steps, sh.warmup, master,
                    parts, Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "  spark.task.maxDirectResultSize %s, spark.broadcast.compress %s%n",
                    jsc.getConf().get("spark.task.maxDirectResultSize", "(Spark's default)"),
                    jsc.getConf().get("spark.broadcast.compress", "(Spark's default)"));

            int referenceThreads = io.sparkcl.model.runtime.BlasRuntime.threads();
            double[] refBefore = referenceStepsMs(config, rows, start, sh.warmup);

            JavaRDD<TrainingRow> rdd = jsc.parallelize(rows, parts).cache();
            int[] y = rows.stream().mapToInt(TrainingRow::label).toArray();
            TrainingData data = new TrainingData(rdd, null, null,
                    IntStream.range(0, sh.labels).mapToObj(k -> "l" + k).toList(), y, 0, Map.of());
            SparkTaskTimes sparkTimes = new SparkTaskTimes();
            jsc.sc().addSparkListener(sparkTimes);
            new ExactTrainer().train(new TrainingRun(jsc, config, data, start,
                    new RunFolder(config.run().output(), jsc.hadoopConfiguration()), FaultInjection.NONE));
            jsc.sc().removeSparkListener(sparkTimes);
            List<Map<String, Object>> metrics = metrics(dir.resolve("exact/metrics.jsonl")).subList(sh.warmup, sh.steps);
            // the reference runs before and after the exact trainer, so a change of machine load shows; with the
            // native threads it had (the trainer's tasks set spark.task.cpus threads in this JVM: TaskThreads)
            int taskThreads = io.sparkcl.model.runtime.BlasRuntime.useThreads(Math.max(1, referenceThreads));
            double[] refAfter = referenceStepsMs(config, rows, start, sh.warmup);
            out.printf(Locale.ROOT, "  native threads: reference %d, exact trainer's tasks %d each%n",
                    referenceThreads, taskThreads);
            report(out, sh.batch, refBefore, refAfter, metrics);
            reportSparkTimes(out, sparkTimes.jobs(), sh.warmup);
        } finally {
            spark.stop();
            deleteTree(dir);
        }
        return 0;
    }

    /** Wall time (ms) of the reference loop's steps after the first {@code warmup}. */
    private static double[] referenceStepsMs(TrainConfig config, List<TrainingRow> rows, ModelStart start,
                                             int warmup) {
        List<Long> nanos = new ArrayList<>();
        new LocalReferenceTrainer(config, rows, start).train(0, null, nanos);
        return nanos.stream().skip(warmup).mapToDouble(n -> n / 1e6).toArray();
    }

    private static double seqPerS(int batch, double[] stepMs) {
        return batch * stepMs.length / (Arrays.stream(stepMs).sum() / 1e3);
    }

    private static void report(PrintStream out, int batch, double[] refBefore, double[] refAfter,
                               List<Map<String, Object>> metrics) {
        double[] stepMs = column(metrics, "step_ms");
        double exactSeqPerS = seqPerS(batch, stepMs);
        double[] refMs = java.util.stream.DoubleStream.concat(Arrays.stream(refBefore), Arrays.stream(refAfter))
                .toArray();
        double refSeqPerS = seqPerS(batch, refMs);
        double overhead = median(column(metrics, "overhead_ms"));
        double medianStep = median(stepMs);
        out.printf(Locale.ROOT, "  LocalReferenceTrainer (one process): %6.2f sequences/s, median step %8.1f ms "
                        + "(run before the exact trainer %.2f, after it %.2f sequences/s)%n", refSeqPerS, median(refMs),
                seqPerS(batch, refBefore), seqPerS(batch, refAfter));
        out.printf(Locale.ROOT, "  exact trainer (Spark):               %6.2f sequences/s, median step %8.1f ms, "
                + "overhead %7.1f ms (%.1f%% of the step)%n", exactSeqPerS, medianStep, overhead,
                100 * overhead / medianStep);
        out.printf(Locale.ROOT, "  ratio exact / reference: %.2f (goal >= 0.8); overhead fraction %.1f%% (goal <= 10%%)%n",
                exactSeqPerS / refSeqPerS, 100 * overhead / medianStep);
        out.printf(Locale.ROOT, "  driver update (clip + AdamW) %.1f ms; gradient sent per task %.2f MB; pass-1 "
                        + "forwards reused in pass 2 per step %.1f, recomputed %.1f%n",
                median(column(metrics, "update_ms")),
                median(column(metrics, "grad_bytes_per_task")) / 1e6, median(column(metrics, "kept_forwards")),
                median(column(metrics, "recomputed_forwards")));
        StringBuilder split = new StringBuilder("  median split (ms):");
        for (String key : SPLIT) {
            split.append(String.format(Locale.ROOT, " %s %.1f", key.replace("_ms", ""), median(column(metrics, key))));
        }
        out.println(split);
    }

    /** Medians over the counted steps of each pass's job: where its time beyond the tasks' work goes. */
    private static void reportSparkTimes(PrintStream out, List<SparkTaskTimes.Job> jobs, int warmup) {
        StringBuilder line = new StringBuilder("  Spark beyond the tasks, median per job (ms):");
        for (String pass : List.of("pass 1", "pass 2")) {
            List<SparkTaskTimes.Job> counted = jobs.stream().filter(j -> j.description().endsWith(pass)).skip(warmup)
                    .toList();
            if (counted.isEmpty()) {
                continue;
            }
            line.append(String.format(Locale.ROOT, " %s: to first launch %.0f, task deserialise %.0f, result "
                            + "serialise %.0f, result to driver %.0f, job end after last task %.0f;", pass,
                    median(counted.stream().mapToDouble(SparkTaskTimes.Job::toFirstLaunch).toArray()),
                    median(counted.stream().mapToDouble(SparkTaskTimes.Job::maxDeserialize).toArray()),
                    median(counted.stream().mapToDouble(SparkTaskTimes.Job::maxResultSerialize).toArray()),
                    median(counted.stream().mapToDouble(SparkTaskTimes.Job::maxResultDelivery).toArray()),
                    median(counted.stream().mapToDouble(SparkTaskTimes.Job::afterLastTask).toArray())));
        }
        out.println(line);
    }

    private static double[] column(List<Map<String, Object>> metrics, String key) {
        return metrics.stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue()).toArray();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> metrics(Path file) {
        try {
            ObjectMapper json = new ObjectMapper();
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(json.readValue(line, Map.class));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sparkcl-bench-step");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run folder holds a checkpoint of the model: do not leave it behind. */
    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
