package io.sparkcl.job.train.bench;

import io.sparkcl.job.train.exec.FlatParams;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ObjectiveConfig;
import io.sparkcl.job.train.exec.FaultInjection;
import io.sparkcl.job.train.exec.GradientCachingStep;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.losses.Method;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench train-memory}: peak memory of one exact-mode training step (both passes, the driver's
 * contrastive term and the gradient aggregation) with a large global batch in small micro-batches against
 * a small global batch, on embedded local Spark in this JVM. Weights are random (memory does not depend on
 * their values); rows are random token ids of a fixed length.
 *
 * <p>Peak memory = the process's resident high-water mark (VmHWM), each configuration in its own JVM.
 * Options: {@code --model tiny|minilm} (MiniLM-L6 sizes: 6 layers, 384 wide; default minilm),
 * {@code --method dualcl|scl|ce} (default scl), {@code --large 512}, {@code --small 16}, {@code --micro 16},
 * {@code --seq-len 64}, {@code --partitions 1}, {@code --labels 2}.
 */
public final class MemoryBenchmark {
    private MemoryBenchmark() {
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    public static int run(String[] args, PrintStream out) {
        BenchOptions o = new BenchOptions("bench train-memory", args,
                List.of("model", "method", "large", "small", "micro", "seq-len", "partitions", "labels", "only"));
        String model = o.get("model", "minilm");
        String method = o.get("method", "scl");
        int large = o.getInt("large", 512);
        int small = o.getInt("small", 16);
        int micro = o.getInt("micro", 16);
        int seqLen = o.getInt("seq-len", 64);
        int partitions = o.getInt("partitions", 1);
        int labels = o.getInt("labels", 2);
        String only = o.get("only", null);
        if (only == null) {
            return compareInChildProcesses(args, model, method, large, small, micro, seqLen, partitions, out);
        }
        int batch = only.equals("large") ? large : small;
        int mb = Math.min(micro, batch);
        Result r = measureOne(model, method, batch, mb, seqLen, partitions, labels);
        out.printf(Locale.ROOT, "RESULT %d %d %d %.3f%n", r.peakRss, r.heap, r.offHeap, r.seconds);
        return 0;
    }

    /**
     * Peak memory is the process's high-water mark of resident memory (VmHWM), so each configuration runs in
     * a fresh JVM with the same options; the parent only compares.
     */
    private static int compareInChildProcesses(String[] args, String model, String method, int large, int small,
                                               int micro, int seqLen, int partitions, PrintStream out) {
        out.printf(Locale.ROOT, "bench train-memory: model %s, method %s, sequence length %d, %d partition(s); "
                + "one exact-mode step (both passes, gradient aggregation), each configuration in a fresh JVM%n",
                model, method, seqLen, partitions);
        Result rs = child(args, "small");
        Result rl = child(args, "large");
        out.printf(Locale.ROOT, "  global batch %4d, micro-batch %3d: peak RSS %7.1f MiB (heap in use %7.1f MiB), "
                + "step %.1f s%n", small, Math.min(micro, small), mib(rs.peakRss), mib(rs.heap), rs.seconds);
        out.printf(Locale.ROOT, "  global batch %4d, micro-batch %3d: peak RSS %7.1f MiB (heap in use %7.1f MiB), "
                + "step %.1f s%n", large, micro, mib(rl.peakRss), mib(rl.heap), rl.seconds);
        out.printf(Locale.ROOT, "  ratio of peak RSS (global batch %d / global batch %d): %.2fx%n", large, small,
                (double) rl.peakRss / rs.peakRss);
        return 0;
    }

    private static Result child(String[] args, String which) {
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(MemoryBenchmark.class.getName());
            cmd.addAll(List.of(args));
            cmd.add("--only");
            cmd.add(which);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("benchmark child (" + which + ") failed:\n" + output);
            }
            for (String line : output.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    String[] f = line.split(" ");
                    return new Result(Long.parseLong(f[3]), Long.parseLong(f[2]), Long.parseLong(f[1]),
                            Double.parseDouble(f[4]));
                }
            }
            throw new IllegalStateException("benchmark child (" + which + ") printed no result:\n" + output);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Result measureOne(String model, String method, int batch, int micro, int seqLen, int partitions,
                                     int labels) {
        BertConfig cfg = config(model);
        boolean dual = ClassifierHead.of(Method.parse(method)).labelAwareInput();
        SparkSession spark = SparkSession.builder().master("local[" + Math.max(1, partitions) + "]")
                .appName("sparkcl-bench-train-memory").config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            float[] params = BertParameters.randomInit(cfg, labels, 1, DataType.FLOAT).flat().dup().data().asFloat();
            Method m = Method.parse(method);
            ModelSpec spec = new ModelSpec(cfg, labels, ClassifierHead.of(m), Pooling.CLS);
            List<TrainingRow> rows = rows(batch, seqLen, cfg.vocabSize(), labels, dual);
            JavaRDD<TrainingRow> rdd = jsc.parallelize(rows, partitions).cache();
            rdd.count();
            int[] y = rows.stream().mapToInt(TrainingRow::label).toArray();
            Broadcast<FlatParams> bc = jsc.broadcast(FlatParams.of(params));
            GradientCachingStep runner = new GradientCachingStep(jsc, rdd, spec, y, FaultInjection.NONE);
            ObjectiveConfig objective = new ObjectiveConfig(m, 0.5, 0.1);
            return measure(runner, objective, cfg, labels, batch, micro, bc, 0);
        } finally {
            spark.stop();
        }
    }

    /** The benchmarks' model sizes: MiniLM-L6 or a tiny encoder. */
    static BertConfig config(String model) {
        return switch (model) {
            case "minilm" -> BertConfig.miniLmL6();
            case "tiny" -> new BertConfig("bert", 1000, 32, 2, 2, 64, 128, 2, 1e-12, 0.1, 0.1, 0, 0);
            default -> throw new IllegalArgumentException("--model must be tiny or minilm, got " + model);
        };
    }

    private record Result(long offHeap, long heap, long peakRss, double seconds) {
    }

    private static Result measure(GradientCachingStep runner, ObjectiveConfig objective, BertConfig cfg, int labels, int batch,
                                  int micro, Broadcast<FlatParams> bc, long step) {
        long[] idx = new long[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = i;
        }
        System.gc();
        System.gc();
        long t0 = System.nanoTime();
        try (PeakMemorySampler sampler = new PeakMemorySampler()) {
            runner.run(GradientCachingStep.StepContext.of(step, 7, idx, null, micro,
                            (Integer) ConfigKey.KEPT_MICRO_BATCHES.defaultValue(), 0, objective, cfg.hiddenSize(), labels),
                    bc, 1, Nd4j.create(DataType.FLOAT, bc.value().length()));
            sampler.close();
            return new Result(sampler.peakOffHeap(), sampler.peakHeap(), peakRss(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /** VmHWM of /proc/self/status: the process's peak resident memory (Linux). */
    static long peakRss() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            // not Linux: fall through
        }
        return org.bytedeco.javacpp.Pointer.physicalBytes();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** Random token rows of one length (timing and memory do not depend on the tokens). */
    static List<TrainingRow> rows(int n, int len, int vocab, int labels, boolean dual) {
        SplittableRandom rnd = new SplittableRandom(3);
        List<TrainingRow> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[len];
            int[] mask = new int[len];
            int[] types = new int[len];
            for (int t = 0; t < len; t++) {
                ids[t] = 100 + rnd.nextInt(vocab - 200);
                mask[t] = 1;
            }
            ids[0] = 101;
            int[][] lp = null;
            if (dual) {
                lp = new int[labels][];
                for (int k = 0; k < labels; k++) {
                    lp[k] = new int[]{1 + k};
                }
            }
            out.add(new TrainingRow(i, "b" + i, ids, mask, types, lp, i % labels));
        }
        return out;
    }
}
