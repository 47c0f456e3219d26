package io.sparkcl.losses.bench;

import io.sparkcl.losses.ContrastiveResult;
import io.sparkcl.losses.DualContrastiveLoss;
import io.sparkcl.losses.DualContrastiveResult;
import io.sparkcl.losses.SupervisedContrastiveLoss;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Times SCL and DualCL value+gradient against the N×N×d similarity GEMM alone (the floor), for
 * random FLOAT features. The floor is computed in the same row blocks as the losses (same FLOPs,
 * without materialising N×N). Memory is the process's resident set (/proc/self/status), sampled
 * every 20 ms: "peak +MiB" is the increase over the value before the case (inputs already
 * allocated), "peak MiB" the absolute peak (JVM, ND4J, inputs and outputs included).
 *
 * <pre>
 *   options: --n 4096,32768   batch sizes (comma list)
 *            --d 384          feature width
 *            --classes 10     K (labels uniform in [0,K); DualCL label features [N,K,d])
 *            --tau 0.1        temperature
 *            --repeats 3      timed runs per case (the minimum and mean are reported)
 *            --block 0        anchors per block (0 = automatic, ≤ 2^25 similarity elements)
 *            --dtype float    float | double
 * </pre>
 */
public final class LossesBenchmark {
    private LossesBenchmark() {}

    public static void main(String[] args) {
        run(args, System.out);
    }

    /** Runs the benchmark, writing a table to {@code out}. Throws IllegalArgumentException on bad options. */
    public static void run(String[] args, PrintStream out) {
        Options o = Options.parse(args);
        out.printf(Locale.ROOT, "# losses benchmark: d=%d K=%d tau=%s dtype=%s repeats=%d block=%s%n", o.d, o.classes,
                o.tau, o.dtype, o.repeats, o.block <= 0 ? "auto" : Integer.toString(o.block));
        out.printf(Locale.ROOT, "# host: %s, %d cores available to the JVM, %s; load average at start %s%n",
                cpuModel(), Runtime.getRuntime().availableProcessors(), memTotal(), loadAverage());
        out.printf(Locale.ROOT, "%-7s %-16s %9s %9s %8s %9s %10s %10s%n", "N", "what", "min s", "mean s", "x floor",
                "GFLOP/s", "peak +MiB", "peak MiB");
        for (int n : o.sizes) {
            runSize(o, n, out);
        }
    }

    private static void runSize(Options o, int n, PrintStream out) {
        DataType dt = o.dtype;
        Nd4j.getRandom().setSeed(42);
        INDArray z = Nd4j.randn(dt, n, o.d);
        INDArray theta = Nd4j.randn(dt, n, o.classes, o.d);
        Random rnd = new Random(7);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(o.classes);
        }
        INDArray labels = Nd4j.createFromArray(y);
        SupervisedContrastiveLoss scl = new SupervisedContrastiveLoss(o.tau, o.block);
        DualContrastiveLoss dual = new DualContrastiveLoss(o.tau, o.block);
        int block = o.block > 0 ? Math.min(o.block, n) : (int) Math.max(1, Math.min(n, (1L << 25) / n));
        double gemmFlops = 2.0 * n * (double) n * o.d;

        Measurement floor = measure(o.repeats, () -> {
            blockedGemm(z, block);
            return 0.0;
        });
        Measurement sclTime = measure(o.repeats, () -> {
            ContrastiveResult r = scl.compute(z, labels);
            r.gradFeatures().close(); // free now, so the next repeat's peak is one call's memory
            return r.value();
        });
        Measurement dualTime = measure(o.repeats, () -> {
            DualContrastiveResult r = dual.compute(z, theta, labels);
            r.gradCls().close();
            r.gradLabelFeatures().close();
            return r.value();
        });
        // GEMM-equivalent FLOPs: SCL does 3 N×N×d products (similarities, G·t̂, Gᵀ·â); DualCL twice that.
        print(out, n, "gemm floor", floor, floor.min, gemmFlops);
        print(out, n, "scl val+grad", sclTime, floor.min, 3 * gemmFlops);
        print(out, n, "dualcl val+grad", dualTime, floor.min, 6 * gemmFlops);
    }

    private static void print(PrintStream out, int n, String what, Measurement m, double floor, double flops) {
        out.printf(Locale.ROOT, "%-7d %-16s %9.3f %9.3f %8.2f %9.1f %10.0f %10.0f%n", n, what, m.min, m.mean,
                m.min / floor, flops / m.min / 1e9, m.peakRssIncrease / MIB, m.peakRss / MIB);
    }

    /** S = ẑ ẑᵀ in row blocks of the given size (the GEMM the losses cannot avoid). */
    private static void blockedGemm(INDArray z, int block) {
        int n = (int) z.size(0);
        INDArray buffer = Nd4j.create(z.dataType(), block, n);
        for (int r0 = 0; r0 < n; r0 += block) {
            int b = Math.min(block, n - r0);
            INDArray s = b == block ? buffer : buffer.get(NDArrayIndex.interval(0, b), NDArrayIndex.all());
            Nd4j.gemm(z.get(NDArrayIndex.interval(r0, r0 + b), NDArrayIndex.all()), z, s, false, true, 1.0, 0.0);
        }
        buffer.close();
    }

    private static final double MIB = 1024.0 * 1024.0;

    /** Timings and the resident memory: peak during the runs, and its increase over the start. */
    private record Measurement(double min, double mean, long peakRssIncrease, long peakRss) {}

    private static Measurement measure(int repeats, Supplier<Double> work) {
        System.gc();
        long before = rssBytes();
        AtomicLong peak = new AtomicLong(before);
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(rssBytes(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        double min = Double.MAX_VALUE;
        double sum = 0;
        double sink = 0;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            sink += work.get();
            double sec = (System.nanoTime() - t0) / 1e9;
            min = Math.min(min, sec);
            sum += sec;
        }
        sampler.interrupt();
        peak.accumulateAndGet(rssBytes(), Math::max);
        if (Double.isNaN(sink)) {
            throw new IllegalStateException("benchmark produced NaN");
        }
        return new Measurement(min, sum / repeats, peak.get() - before, peak.get());
    }

    /** Resident set size from /proc (Linux); 0 elsewhere. Covers ND4J's off-heap buffers. */
    private static long rssBytes() {
        return procStatusKb("VmRSS:") * 1024;
    }

    private static long procStatusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB RAM", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown RAM";
        }
        return "unknown RAM";
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Command-line options. */
    static final class Options {
        List<Integer> sizes = List.of(4096, 32768);
        int d = 384;
        int classes = 10;
        double tau = 0.1;
        int repeats = 3;
        int block = 0;
        DataType dtype = DataType.FLOAT;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String key = args[i];
                if (key.equals("-h") || key.equals("--help")) {
                    throw new IllegalArgumentException("usage: bench losses [--n 4096,32768] [--d 384] [--classes 10]"
                            + " [--tau 0.1] [--repeats 3] [--block 0] [--dtype float|double]");
                }
                String value;
                int eq = key.indexOf('=');
                if (eq > 0) {
                    value = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("option " + key + " needs a value");
                    }
                    value = args[++i];
                }
                switch (key) {
                    case "--n" -> {
                        List<Integer> sizes = new ArrayList<>();
                        for (String s : value.split(",")) {
                            sizes.add(positive(key, s.trim()));
                        }
                        o.sizes = sizes;
                    }
                    case "--d" -> o.d = positive(key, value);
                    case "--classes" -> o.classes = positive(key, value);
                    case "--repeats" -> o.repeats = positive(key, value);
                    case "--block" -> o.block = integer(key, value);
                    case "--tau" -> {
                        try {
                            o.tau = Double.parseDouble(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("option --tau: not a number: '" + value + "'");
                        }
                    }
                    case "--dtype" -> o.dtype = switch (value.toLowerCase(Locale.ROOT)) {
                        case "float", "float32" -> DataType.FLOAT;
                        case "double", "float64" -> DataType.DOUBLE;
                        default -> throw new IllegalArgumentException("option --dtype must be float or double, got '"
                                + value + "'");
                    };
                    default -> throw new IllegalArgumentException("unknown option " + key
                            + " (known: --n --d --classes --tau --repeats --block --dtype)");
                }
            }
            return o;
        }

        private static int integer(String key, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option " + key + ": not an integer: '" + value + "'");
            }
        }

        private static int positive(String key, String value) {
            int v = integer(key, value);
            if (v <= 0) {
                throw new IllegalArgumentException("option " + key + " must be > 0, got " + v);
            }
            return v;
        }
    }
}
