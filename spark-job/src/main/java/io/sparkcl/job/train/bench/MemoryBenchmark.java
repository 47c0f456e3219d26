package io.sparkcl.job.train.bench;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.exec.ExactStepRunner;
import io.sparkcl.job.train.exec.ModelSpec;
import io.sparkcl.job.train.exec.StepContext;
import io.sparkcl.job.train.exec.StepObjective;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.buffer.DataType;

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
 * <p>Options: {@code --model tiny|minilm} (MiniLM-L6 sizes: 6 layers, 384 wide; default minilm),
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
        String model = "minilm";
        String method = "scl";
        int large = 512;
        int small = 16;
        int micro = 16;
        int seqLen = 64;
        int partitions = 1;
        int labels = 2;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--model" -> model = v;
                case "--method" -> method = v;
                case "--large" -> large = Integer.parseInt(v);
                case "--small" -> small = Integer.parseInt(v);
                case "--micro" -> micro = Integer.parseInt(v);
                case "--seq-len" -> seqLen = Integer.parseInt(v);
                case "--partitions" -> partitions = Integer.parseInt(v);
                case "--labels" -> labels = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("bench train-memory: unknown option " + args[i]
                        + " (--model tiny|minilm, --method, --large, --small, --micro, --seq-len, --partitions, --labels)");
            }
            i++;
        }
        BertConfig cfg = switch (model) {
            case "minilm" -> BertConfig.miniLmL6();
            case "tiny" -> new BertConfig("bert", 1000, 32, 2, 2, 64, 128, 2, 1e-12, 0.1, 0.1, 0, 0);
            default -> throw new IllegalArgumentException("--model must be tiny or minilm, got " + model);
        };
        boolean dual = method.equals("dualcl");
        SparkSession spark = SparkSession.builder().master("local[" + Math.max(1, partitions) + "]")
                .appName("sparkcl-bench-train-memory").config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false").getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            float[] params = BertParameters.randomInit(cfg, labels, 1, DataType.FLOAT).flat().dup().data().asFloat();
            ModelSpec spec = new ModelSpec(cfg, labels, "cls");
            List<TrainingRow> rows = rows(large, seqLen, cfg.vocabSize(), labels, dual);
            JavaRDD<TrainingRow> rdd = jsc.parallelize(rows, partitions).cache();
            rdd.count();
            int[] y = rows.stream().mapToInt(TrainingRow::label).toArray();
            Broadcast<float[]> bc = jsc.broadcast(params);
            ExactStepRunner runner = new ExactStepRunner(jsc, rdd, spec, y, params.length);
            StepObjective objective = new StepObjective(method, 0.5, 0.1);
            out.printf(Locale.ROOT, "bench train-memory: model %s (%d parameters), method %s, sequence length %d, "
                    + "%d partition(s)%n", model, params.length, method, seqLen, partitions);
            // warm-up (JIT, executor model cache), not measured
            measure(runner, objective, cfg, labels, small, Math.min(micro, small), bc, 0);
            Result rs = measure(runner, objective, cfg, labels, small, Math.min(micro, small), bc, 1);
            Result rl = measure(runner, objective, cfg, labels, large, micro, bc, 2);
            out.printf(Locale.ROOT, "  global batch %4d, micro-batch %3d: peak off-heap %8.1f MiB, heap %8.1f MiB, "
                    + "total %8.1f MiB, step %.2f s%n", small, Math.min(micro, small), mib(rs.offHeap), mib(rs.heap),
                    mib(rs.total), rs.seconds);
            out.printf(Locale.ROOT, "  global batch %4d, micro-batch %3d: peak off-heap %8.1f MiB, heap %8.1f MiB, "
                    + "total %8.1f MiB, step %.2f s%n", large, micro, mib(rl.offHeap), mib(rl.heap), mib(rl.total),
                    rl.seconds);
            out.printf(Locale.ROOT, "  ratio (large/small) of peak total memory: %.2fx%n", (double) rl.total / rs.total);
            return 0;
        } finally {
            spark.stop();
        }
    }

    private record Result(long offHeap, long heap, long total, double seconds) {
    }

    private static Result measure(ExactStepRunner runner, StepObjective objective, BertConfig cfg, int labels, int batch,
                                  int micro, Broadcast<float[]> bc, long step) {
        long[] idx = new long[batch];
        for (int i = 0; i < batch; i++) {
            idx[i] = i;
        }
        System.gc();
        System.gc();
        long t0 = System.nanoTime();
        try (PeakMemorySampler sampler = new PeakMemorySampler()) {
            runner.run(new StepContext(step, 7, idx, micro, 0, objective, cfg.hiddenSize(), labels, null, null, false, false),
                    bc, 1);
            sampler.close();
            return new Result(sampler.peakOffHeap(), sampler.peakHeap(), sampler.peakTotal(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static List<TrainingRow> rows(int n, int len, int vocab, int labels, boolean dual) {
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
