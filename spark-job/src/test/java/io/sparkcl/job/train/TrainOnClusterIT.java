package io.sparkcl.job.train;

import io.sparkcl.job.cluster.LoopbackCluster;
import io.sparkcl.job.config.TrainConfig;
import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on a real Spark standalone cluster (master + 2 workers on 127.0.0.1, {@link LoopbackCluster}):
 * a job submitted with {@code SparkSubmit} from the shaded jar, and a run that loses an executor midway.
 * Runs in {@code mvn verify} (failsafe) after the shaded jar is packaged.
 */
class TrainOnClusterIT {

    @TempDir
    Path tmp;

    static Path shadedJar() throws Exception {
        Path target = Paths.get(System.getProperty("sparkcl.repo.root", "."), "spark-job", "target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no shaded jar in " + target + ": run mvn package first"));
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void sparkSubmitTrainsOnTheStandaloneClusterAndWritesTheRunFolder() throws Exception {
        Path jar = shadedJar();
        Path out = tmp.resolve("run");
        try (LoopbackCluster cluster = LoopbackCluster.start(2, 1, "1g", jar.toString(), tmp.resolve("cluster"),
                Duration.ofMinutes(2))) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx2g");
            cmd.addAll(LoopbackCluster.ADD_OPENS);
            cmd.addAll(List.of("-cp", jar.toString(), "org.apache.spark.deploy.SparkSubmit",
                    "--master", cluster.masterUrl(), "--deploy-mode", "client",
                    "--class", "io.sparkcl.job.SparkClMain",
                    "--conf", "spark.executor.memory=1g", "--conf", "spark.cores.max=2",
                    "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                    "--conf", "spark.ui.enabled=false",
                    jar.toString(), "train", "--dataset", "cr", "--data-dir", TestData.dataDir(),
                    "--model", "tiny-random", "--method", "dualcl", "--few-shot", "6", "--global-batch", "8",
                    "--micro-batch", "4", "--steps", "3", "--max-length", "32", "--lr", "1e-3",
                    "--partitions", "2", "--log-every", "1", "--output", out.toUri().toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("submit.log").toFile());
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            Process p = pb.start();
            assertTrue(p.waitFor(6, TimeUnit.MINUTES), "spark-submit did not finish in 6 minutes");
            String log = Files.readString(tmp.resolve("submit.log"));
            assertEquals(0, p.exitValue(), "spark-submit failed:\n" + tail(log));
            assertTrue(log.contains("test accuracy:"), "the job prints the test accuracy:\n" + tail(log));
        }
        for (String f : List.of("config.yaml", "metrics.jsonl", "eval.jsonl", "summary.json", "data.json",
                "model/config.json", "model/model.safetensors", "checkpoints/last/state.json")) {
            assertTrue(Files.exists(out.resolve(f)), f + " missing from the run folder");
        }
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void losingAnExecutorMidRunDoesNotChangeTheResult() throws Exception {
        List<TrainingRow> rows = SyntheticData.rows(48, TrainTestSupport.K, true, 21, 0);
        ModelStart start = TrainTestSupport.tinyStart(0.1, 4);
        long steps = 10;
        try (LoopbackCluster cluster = LoopbackCluster.start(2, 1, "1g", System.getProperty("java.class.path"),
                tmp.resolve("cluster"), Duration.ofMinutes(2))) {
            SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("sparkcl-lost-executor")
                    .set("spark.executor.memory", "1g").set("spark.cores.max", "2")
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                    .set("spark.task.maxFailures", "8");
            SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
            try {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                TrainConfig s = TrainTestSupport.settings("dualcl", tmp.resolve("undisturbed"), 12, 4, steps);
                TrainResult undisturbed = TrainTestSupport.trainOnSpark(jsc, s, TrainTestSupport.data(jsc, rows, null, 4),
                        start);

                TrainConfig s2 = s.withRun(tmp.resolve("disturbed").toUri().toString(), false);
                AtomicInteger killed = new AtomicInteger(-1);
                AtomicInteger jobsDone = new AtomicInteger();
                AtomicInteger jobsAtKill = new AtomicInteger(-1);
                // kill worker 0's executor once 8 Spark jobs (about 3 training steps) have finished
                spark.sparkContext().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
                    @Override
                    public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd end) {
                        if (jobsDone.incrementAndGet() == 8) {
                            jobsAtKill.set(8);
                            new Thread(() -> killed.set(cluster.killExecutors(0)), "executor-killer").start();
                        }
                    }
                });
                TrainResult disturbed = TrainTestSupport.trainOnSpark(jsc, s2, TrainTestSupport.data(jsc, rows, null, 4),
                        start);
                assertTrue(killed.get() >= 1, "an executor was killed during the run (" + killed.get() + ")");
                assertTrue(jobsDone.get() >= jobsAtKill.get() + 10, "the run went on after the kill: "
                        + jobsAtKill.get() + " jobs before, " + jobsDone.get() + " in all");
                assertEquals(steps, disturbed.steps());
                double rel = TrainTestSupport.maxRelDiff(disturbed.finalParams(), undisturbed.finalParams());
                assertTrue(rel < 1e-5, "losing an executor changed the result by " + rel);
            } finally {
                spark.stop();
            }
        }
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
