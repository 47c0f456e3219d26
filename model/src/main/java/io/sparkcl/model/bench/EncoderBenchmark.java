package io.sparkcl.model.bench;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ComputePath;
import io.sparkcl.model.encoder.EncoderBatch;
import io.sparkcl.model.encoder.EncoderProfile;
import io.sparkcl.model.encoder.ForwardState;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.optim.AdamW;
import io.sparkcl.model.optim.GradientClipping;
import io.sparkcl.model.registry.ModelArtifacts;
import io.sparkcl.model.registry.ModelRegistry;
import io.sparkcl.model.registry.PretrainedModel;
import io.sparkcl.model.registry.ShippedModel;
import io.sparkcl.model.runtime.BlasRuntime;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Encoder speed benchmark ({@code sparkcl bench encoder}): on one batch (default MiniLM, 32 x 64), times the
 * onnxruntime forward of the shipped ONNX model, the SparkCL forward, and a SparkCL training step (forward + backward +
 * clipping + AdamW), measures the machine's SGEMM rate, peak and steady memory, and a per-phase profile.
 *
 * <p>Options: {@code --model NAME} (registry name, default all-minilm-l6-v2), {@code --batch 32}, {@code --length 64},
 * {@code --steps 5} (timed repetitions; the median is reported), {@code --threads N} (default: all cores),
 * {@code --memory-steps 100,1000} (training-step counts after which memory is reported; "0" skips),
 * {@code --pooling cls|mean} (the training step's pooling, default cls: under CLS pooling the last layer's backward
 * runs on the [CLS] rows only, under MEAN pooling on every row).
 * The last line is {@code train_step_vs_3x_onnxruntime_forward: R}.
 */
public final class EncoderBenchmark {
    private EncoderBenchmark() {
    }

    /** Parsed options. */
    record Options(String model, int batch, int length, int steps, int threads, long[] memorySteps,
                   Pooling pooling) {
        static Options parse(String[] args) {
            String model = ModelRegistry.DEFAULT_MODEL;
            int batch = 32;
            int length = 64;
            int steps = 5;
            int threads = Runtime.getRuntime().availableProcessors();
            long[] mem = {100, 1000};
            Pooling pooling = Pooling.CLS;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    throw new IllegalArgumentException(usage());
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Option " + a + " needs a value\n" + usage());
                }
                String v = args[++i];
                try {
                    switch (a) {
                        case "--model" -> model = v;
                        case "--batch" -> batch = positive(a, Integer.parseInt(v));
                        case "--length" -> length = positive(a, Integer.parseInt(v));
                        case "--steps" -> steps = positive(a, Integer.parseInt(v));
                        case "--threads" -> threads = positive(a, Integer.parseInt(v));
                        case "--memory-steps" -> mem = v.equals("0") ? new long[0]
                                : Arrays.stream(v.split(",")).mapToLong(s -> positive(a, Integer.parseInt(s.trim())))
                                .sorted().toArray();
                        case "--pooling" -> pooling = pooling(v);
                        default -> throw new IllegalArgumentException("Unknown option " + a + "\n" + usage());
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Option " + a + ": not a number: " + v);
                }
            }
            return new Options(model, batch, length, steps, threads, mem, pooling);
        }

        private static Pooling pooling(String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "cls" -> Pooling.CLS;
                case "mean" -> Pooling.MEAN;
                default -> throw new IllegalArgumentException("Option --pooling: expected cls or mean, got " + v);
            };
        }

        private static int positive(String opt, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException("Option " + opt + " must be positive, got " + v);
            }
            return v;
        }

        static String usage() {
            return "usage: bench encoder [--model all-minilm-l6-v2] [--batch 32] [--length 64] [--steps 5]"
                    + " [--threads N] [--memory-steps 100,1000] [--pooling cls|mean]";
        }
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    public static void run(String[] args, PrintStream out) {
        try {
            runChecked(args, out);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("encoder benchmark failed: " + e, e);
        }
    }

    private static void runChecked(String[] args, PrintStream out) throws Exception {
        Options o = Options.parse(args);
        setThreads(o.threads());
        out.printf(Locale.ROOT, "encoder benchmark: model=%s batch=%d length=%d steps=%d threads=%d cores=%d"
                + " pooling=%s%n", o.model(), o.batch(), o.length(), o.steps(), o.threads(),
                Runtime.getRuntime().availableProcessors(), o.pooling().name().toLowerCase(Locale.ROOT));
        out.println("encoder compute path: " + ComputePath.auto(DataType.FLOAT).name().toLowerCase(Locale.ROOT)
                + " (-D" + ComputePath.PROPERTY + "=fused|portable)");
        out.println("cpu: " + cpuName() + ", max heap " + mib(Runtime.getRuntime().maxMemory()) + " MiB");
        out.println(BlasRuntime.describe().line());

        double gemmRate = sgemmFlops(out);

        PretrainedModel pm = ModelRegistry.load(o.model(), 2);
        BertConfig cfg = pm.config();
        BertParameters params = pm.parameters();
        EncoderBatch batch = randomBatch(cfg, o.batch(), o.length(), 7L);
        double fwdFlops = forwardFlops(cfg, o.batch(), o.length());
        double trainFlops = 3 * fwdFlops;
        out.printf(Locale.ROOT, "model %s: %d layers, width %d, %d heads, intermediate %d, %.1fM parameters%n",
                pm.name(), cfg.numHiddenLayers(), cfg.hiddenSize(), cfg.numAttentionHeads(), cfg.intermediateSize(),
                params.size() / 1e6);
        out.printf(Locale.ROOT, "FLOPs per forward %.1f G, per training step ~%.1f G (3x forward)%n", fwdFlops / 1e9,
                trainFlops / 1e9);

        // The three measurements are interleaved step by step so that they see the same machine load (the
        // machine may be shared); medians are reported.
        BertEncoderModel model = new BertEncoderModel(params, o.pooling());
        TrainLoop loop = new TrainLoop(model, batch);
        MemoryTracker mem = new MemoryTracker();
        EncoderProfile profile = new EncoderProfile();
        List<Double> ort = new ArrayList<>();
        List<Double> fwd = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        try (OnnxForward onnx = OnnxForward.open(pm, batch, o.threads(), out)) {
            for (int i = 0; i <= o.steps(); i++) {
                boolean timed = i > 0; // the first round warms up
                if (onnx != null) {
                    settle();
                    double s = onnx.runOnce();
                    if (timed) {
                        ort.add(s);
                    }
                }
                settle();
                long t0 = System.nanoTime();
                model.forward(batch, false);
                if (timed) {
                    fwd.add((System.nanoTime() - t0) / 1e9);
                }
                model.setProfile(timed ? profile : null);
                loop.profile = timed ? profile : null;
                settle();
                t0 = System.nanoTime();
                loop.step(mem);
                if (timed) {
                    train.add((System.nanoTime() - t0) / 1e9);
                }
                model.setProfile(null);
                loop.profile = null;
            }
        }
        double ortSeconds = ort.isEmpty() ? -1 : median(ort);
        double fwdSeconds = median(fwd);
        double trainSeconds = median(train);

        out.println();
        out.printf(Locale.ROOT, "SGEMM 2048^3 (ND4J/OpenBLAS): %.1f GFLOP/s%n", gemmRate / 1e9);
        if (ortSeconds > 0) {
            out.printf(Locale.ROOT, "onnxruntime forward:          %8.3f s  %6.1f GFLOP/s  %5.1f%% of SGEMM  (all: %s)%n",
                    ortSeconds, fwdFlops / ortSeconds / 1e9, 100 * fwdFlops / ortSeconds / gemmRate, fmt(ort));
        }
        out.printf(Locale.ROOT, "SparkCL forward (inference):  %8.3f s  %6.1f GFLOP/s  %5.1f%% of SGEMM  (all: %s)%n",
                fwdSeconds, fwdFlops / fwdSeconds / 1e9, 100 * fwdFlops / fwdSeconds / gemmRate, fmt(fwd));
        out.printf(Locale.ROOT, "SparkCL train step (fwd+bwd+AdamW): %8.3f s  %6.1f GFLOP/s  %5.1f%% of SGEMM"
                        + "  (all: %s)%n", trainSeconds, trainFlops / trainSeconds / 1e9,
                100 * trainFlops / trainSeconds / gemmRate, fmt(train));
        out.println();
        out.println("profile of the training step (mean per step over " + o.steps() + " steps), by block:");
        long total = profile.totalNanos();
        printProfile(out, profile.blocks(), total, o.steps());
        out.println("  by kernel inside the blocks:");
        printProfile(out, profile.kernels(), total, o.steps());
        out.printf(Locale.ROOT, "  %-48s %8.1f ms%n", "total profiled", total / 1e6 / o.steps());
        EncoderProfile inference = new EncoderProfile();
        model.setProfile(inference);
        settle();
        model.forward(batch, false);
        model.setProfile(null);
        out.println("profile of one inference forward (after the timed rounds), by block and by kernel:");
        printProfile(out, inference.blocks(), inference.totalNanos(), 1);
        printProfile(out, inference.kernels(), inference.totalNanos(), 1);
        out.println();
        out.printf(Locale.ROOT, "memory: peak heap %d MiB, peak process RSS (heap + off-heap) %d MiB, of which off-heap"
                        + " ~%d MiB (RSS - committed heap); activation buffers %d MiB%n", mib(mem.peakHeap),
                mib(mem.peakPhysical), mib(mem.peakPhysical - heapCommitted()), mib(model.bufferBytes()));
        long done = loop.steps;
        for (long target : o.memorySteps()) {
            while (done < target) {
                loop.step(null);
                done++;
            }
            System.gc();
            long rss = Pointer.physicalBytes();
            out.printf(Locale.ROOT, "memory after %d training steps: heap used %d MiB, process RSS %d MiB, off-heap ~%d MiB,"
                            + " loss %.4f%n", done, mib(heapUsed()), mib(rss), mib(rss - heapCommitted()), loop.lastLoss);
        }
        out.printf(Locale.ROOT, "inference_forward_vs_onnxruntime_forward: %.3f%n",
                ortSeconds > 0 ? fwdSeconds / ortSeconds : Double.NaN);
        double ratio = ortSeconds > 0 ? trainSeconds / (3 * ortSeconds) : Double.NaN;
        out.printf(Locale.ROOT, "train_step_vs_3x_onnxruntime_forward: %.3f%n", ratio);
    }

    private static final long SETTLE_MILLIS = 300;

    /**
     * Waits until the previous phase's idle worker threads have gone to sleep: OpenBLAS's and onnxruntime's workers
     * spin for a while after a call (OpenBLAS about 2^28 cycles, ~0.1 s), which would take a core from whichever
     * engine is timed next.
     */
    private static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void printProfile(PrintStream out, Map<String, Long> nanos, long total, int steps) {
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            out.printf(Locale.ROOT, "  %-52s %8.1f ms  %5.1f%%%n", e.getKey(), e.getValue() / 1e6 / steps,
                    100.0 * e.getValue() / total);
        }
    }

    /** A training step as the trainer does it: forward, CE gradient on the logits, backward, clipping, AdamW. */
    static final class TrainLoop {
        final BertEncoderModel model;
        final EncoderBatch base;
        final INDArray grad;
        final AdamW adam;
        final int[] labels;
        EncoderProfile profile;
        long steps;
        double lastLoss;

        TrainLoop(BertEncoderModel model, EncoderBatch batch) {
            this.model = model;
            this.base = batch;
            BertParameters p = model.parameters();
            this.grad = Nd4j.create(p.dataType(), p.size());
            this.adam = AdamW.forParameters(p, 0.01);
            this.labels = new int[batch.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i % 2;
            }
        }

        void step(MemoryTracker mem) {
            long[] seeds = new long[base.size()];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = steps * 1_000_003L + i;
            }
            EncoderBatch b = new EncoderBatch(base.inputIds(), base.attentionMask(), base.tokenTypeIds(), null, seeds);
            grad.assign(0.0);
            ForwardState s = model.forward(b, true);
            // Cross-entropy over the batch: dL/dlogits = (softmax - onehot) / n.
            INDArray probs = Transforms.softmax(s.logits(), true);
            double loss = 0;
            for (int i = 0; i < labels.length; i++) {
                loss -= Math.log(Math.max(1e-30, probs.getDouble(i, labels[i])));
                probs.putScalar(i, labels[i], probs.getDouble(i, labels[i]) - 1.0);
            }
            lastLoss = loss / labels.length;
            probs.divi(labels.length);
            model.backward(s, null, probs, null, grad);
            long t0 = System.nanoTime();
            double norm = GradientClipping.globalNorm(grad);
            adam.step(model.parameters().flat(), grad, 2e-5, GradientClipping.scaleFor(norm, 1.0));
            if (profile != null) {
                profile.addBlock("optimizer (clipping + AdamW)", t0);
            }
            steps++;
            if (mem != null) {
                mem.sample();
            }
        }
    }

    /** Peaks of heap and native memory, sampled after each step. */
    static final class MemoryTracker {
        long peakHeap;
        long peakPhysical;

        void sample() {
            peakHeap = Math.max(peakHeap, heapPeakOfPools());
            peakPhysical = Math.max(peakPhysical, Pointer.physicalBytes());
                    }
    }

    static long heapPeakOfPools() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static long heapCommitted() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Forward FLOPs (multiply-adds x 2) of the GEMMs and attention matmuls. */
    static double forwardFlops(BertConfig c, int n, int t) {
        double tokens = (double) n * t;
        double d = c.hiddenSize();
        double i = c.intermediateSize();
        double perLayer = 2 * tokens * d * (3 * d) + 2 * tokens * d * d + 2 * 2 * tokens * d * i
                + 2 * 2 * (double) n * t * t * d;
        return perLayer * c.numHiddenLayers();
    }

    /** Rows of random (non-special) token ids, no padding, two segments. */
    static EncoderBatch randomBatch(BertConfig cfg, int n, int t, long seed) {
        Random r = new Random(seed);
        int[][] ids = new int[n][t];
        int[][] mask = new int[n][t];
        int[][] types = new int[n][t];
        int lo = Math.min(1000, cfg.vocabSize() / 2);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                ids[i][j] = lo + r.nextInt(cfg.vocabSize() - lo);
                mask[i][j] = 1;
                types[i][j] = cfg.typeVocabSize() > 1 && j >= t / 2 ? 1 : 0;
            }
        }
        return new EncoderBatch(ids, mask, types, null, null);
    }

    /** FLOP/s of a 2048^3 single-precision GEMM (best of a few). */
    static double sgemmFlops(PrintStream out) {
        int m = 2048;
        INDArray a = Nd4j.rand(DataType.FLOAT, m, m);
        INDArray b = Nd4j.rand(DataType.FLOAT, m, m);
        INDArray c = Nd4j.create(DataType.FLOAT, m, m);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double s = (System.nanoTime() - t0) / 1e9;
            if (i > 0) {
                best = Math.min(best, s);
            }
        }
        return 2.0 * m * m * m / best;
    }

    static void setThreads(int threads) {
        Nd4j.getExecutioner(); // loads the backend (NativeOpsHolder needs it)
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    static String cpuName() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception ignored) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    static String fmt(List<Double> xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", x));
        }
        return sb.toString();
    }

    static long mib(long bytes) {
        return bytes >> 20;
    }

    /** The onnxruntime side (optional dependency: absent -> reported and skipped, open returns null). */
    interface OnnxForward extends AutoCloseable {
        /** Seconds of one forward pass on the batch. */
        double runOnce() throws Exception;

        @Override
        void close() throws Exception;

        static OnnxForward open(PretrainedModel pm, EncoderBatch batch, int threads, PrintStream out) {
            ShippedModel shipped = ShippedModel.byName(pm.name()).orElse(null);
            if (shipped == null) {
                out.println("onnxruntime: skipped (" + pm.name() + " has no shipped ONNX file)");
                return null;
            }
            try {
                Class.forName("ai.onnxruntime.OrtEnvironment");
            } catch (ClassNotFoundException e) {
                out.println("onnxruntime: skipped (com.microsoft.onnxruntime:onnxruntime is not on the classpath)");
                return null;
            }
            try {
                return new OrtRunner(ModelArtifacts.readAllBytes(shipped, shipped.onnxResource()), batch, threads);
            } catch (Exception e) {
                out.println("onnxruntime: failed: " + e);
                return null;
            }
        }
    }

    /** Kept in its own class so the benchmark loads without onnxruntime on the classpath. */
    static final class OrtRunner implements OnnxForward {
        private final ai.onnxruntime.OrtSession.SessionOptions options;
        private final ai.onnxruntime.OrtSession session;
        private final Map<String, ai.onnxruntime.OnnxTensor> inputs = new java.util.HashMap<>();

        OrtRunner(byte[] onnx, EncoderBatch batch, int threads) throws Exception {
            ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            options = new ai.onnxruntime.OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setOptimizationLevel(ai.onnxruntime.OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(onnx, options);
            inputs.put("input_ids", ai.onnxruntime.OnnxTensor.createTensor(env, toLong(batch.inputIds())));
            inputs.put("attention_mask", ai.onnxruntime.OnnxTensor.createTensor(env, toLong(batch.attentionMask())));
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", ai.onnxruntime.OnnxTensor.createTensor(env, toLong(batch.tokenTypeIds())));
            }
        }

        @Override
        public double runOnce() throws Exception {
            long t0 = System.nanoTime();
            try (ai.onnxruntime.OrtSession.Result r = session.run(inputs)) {
                return (System.nanoTime() - t0) / 1e9;
            }
        }

        @Override
        public void close() throws Exception {
            for (ai.onnxruntime.OnnxTensor t : inputs.values()) {
                t.close();
            }
            session.close();
            options.close();
        }

        private static long[][] toLong(int[][] a) {
            long[][] r = new long[a.length][];
            for (int i = 0; i < a.length; i++) {
                r[i] = Arrays.stream(a[i]).asLongStream().toArray();
            }
            return r;
        }
    }
}
