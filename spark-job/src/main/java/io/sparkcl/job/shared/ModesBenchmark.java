package io.sparkcl.job.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.job.cluster.LoopbackCluster;
import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.ConfigValues;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.TrainJob;
import io.sparkcl.job.train.TrainSummary;
import io.sparkcl.job.train.eval.EvalMetrics;
import org.apache.spark.SparkConf;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code sparkcl bench modes}: the exact and the shared mode on the loopback standalone cluster (master and N
 * workers on 127.0.0.1, one executor JVM each), with the same training options, data and number of examples.
 * Reports sequences/s, the bytes each executor sends per global-batch step through Spark (task results plus the
 * exact mode's gradient blocks, {@code grad_bytes_sent} in metrics.jsonl; the shared mode's end-of-epoch parameter
 * collection) and through the shared mode's Aeron transport, and the
 * final test accuracy. Bench options: {@code --workers N} (2), {@code --worker-memory M} (2g), {@code --out DIR}
 * (runs' folders; default a temporary folder); every other {@code --option value} is a train option for both runs
 * ({@code --mode} excepted).
 */
public final class ModesBenchmark {
    private ModesBenchmark() {
    }

    /** One mode's figures. */
    record Figures(String mode, long steps, double seconds, double sequencesPerSecond, double sparkBytesPerStep,
                   double aeronBytesPerStep, double testAccuracy) {
    }

    public static void main(String[] args) {
        run(args, System.out);
    }

    public static int run(String[] args, PrintStream out) {
        int workers = 2;
        String memory = "2g";
        Path dir = null;
        ConfigValues train = new ConfigValues();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null || !key.startsWith("--")) {
                throw new IllegalArgumentException("bench modes: expected --option value pairs, got '" + key + "'");
            }
            switch (key) {
                case "--workers" -> workers = Integer.parseInt(v);
                case "--worker-memory" -> memory = v;
                case "--out" -> dir = Paths.get(v);
                default -> {
                    ConfigKey k = ConfigKey.byKey(key).filter(c -> c != ConfigKey.MODE).orElseThrow(() ->
                            new IllegalArgumentException("bench modes: unknown option " + key + " (--workers, "
                                    + "--worker-memory, --out, or a train option other than --mode)"));
                    train.set(k, v, "bench");
                }
            }
            i++;
        }
        try {
            Path root = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("sparkcl-bench-modes");
            List<Figures> figures = new ArrayList<>();
            try (LoopbackCluster cluster = LoopbackCluster.start(workers, 1, memory,
                    System.getProperty("java.class.path"), root.resolve("cluster"), Duration.ofMinutes(3))) {
                for (String mode : List.of("exact", "shared")) {
                    figures.add(runMode(cluster, workers, mode, train, root.resolve(mode)));
                }
            }
            report(out, workers, memory, figures);
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Figures runMode(LoopbackCluster cluster, int workers, String mode, ConfigValues train, Path out)
            throws IOException {
        TrainConfig c = TrainConfig.builder().apply(train).set(ConfigKey.MODE, mode)
                .set(ConfigKey.PARTITIONS, train.get(ConfigKey.PARTITIONS, workers))
                .output(out.toUri().toString()).build().validate();
        SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("sparkcl-bench-modes-" + mode)
                .set("spark.cores.max", Integer.toString(workers))
                .set("spark.executor.memory", "1g")
                // ND4J's off-heap buffers (the encoder's activations) beside the 1 GB heap
                .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.maxbytes=3G"
                        + " -Dorg.bytedeco.javacpp.maxphysicalbytes=4G")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        AtomicLong resultBytes = new AtomicLong();
        TrainSummary s;
        try {
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.taskMetrics() != null) {
                        resultBytes.addAndGet(end.taskMetrics().resultSize());
                    }
                }
            });
            s = TrainJob.run(c, spark);
        } finally {
            spark.stop();
        }
        long aeron = 0;
        long gradientBlocks = 0;
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode row = json.readTree(line);
            aeron += nonNegative(row.get("aeron_bytes_sent"));
            // the exact mode's gradients travel as block-manager blocks, not in the (small) task results
            gradientBlocks += nonNegative(row.get("grad_bytes_sent"));
        }
        EvalMetrics test = s.finalEval().get("test");
        double perStepPerExecutor = (double) Math.max(1, s.steps()) * workers;
        return new Figures(mode, s.steps(), s.seconds(), s.sequencesPerSecond(), (resultBytes.get() + gradientBlocks) / perStepPerExecutor,
                aeron / perStepPerExecutor, test == null ? Double.NaN : test.accuracy());
    }

    private static long nonNegative(JsonNode n) {
        return n == null ? 0 : Math.max(0, n.asLong());
    }

    private static void report(PrintStream out, int workers, String memory, List<Figures> figures) {
        out.printf(Locale.ROOT, "bench modes: loopback standalone cluster, %d workers (1 core, %s each), same options"
                + " and data for both modes%n", workers, memory);
        out.printf(Locale.ROOT, "  %-7s %6s %9s %9s %22s %22s %10s%n", "mode", "steps", "seconds", "seq/s",
                "spark B/step/ex", "aeron B/step/ex", "test acc");
        for (Figures f : figures) {
            out.printf(Locale.ROOT, "  %-7s %6d %9.1f %9.2f %22.0f %22.0f %10.4f%n", f.mode(), f.steps(), f.seconds(),
                    f.sequencesPerSecond(), f.sparkBytesPerStep(), f.aeronBytesPerStep(), f.testAccuracy());
        }
        out.println("  (seq/s: training only; bytes per global-batch step and executor; spark = task results plus the"
                + " exact mode's gradient blocks; the task results include the evaluation's, which are small)");
    }
}
