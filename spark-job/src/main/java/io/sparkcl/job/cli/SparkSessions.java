package io.sparkcl.job.cli;

import io.sparkcl.model.runtime.BlasRuntime;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.URISyntaxException;
import java.security.CodeSource;
import java.util.Map;

/**
 * Creates the job's SparkSession. Under spark-submit the master and settings come from system properties
 * ({@code spark.*}) and are kept; run with plain {@code java} and no master, the job uses embedded
 * {@code local[*]}. The console progress bar and the web UI are off unless asked for, and the exact trainer's
 * per-step traffic gets defaults of its own ({@link #TRAINING_STEP_DEFAULTS}); a value the user set is kept.
 *
 * <p>A local master talks only to itself, so its driver (RPC and block manager) listens on loopback only,
 * whatever launched it and whatever other options were given; an explicit {@code spark.driver.bindAddress}
 * / {@code spark.driver.host} or a non-loopback {@code SPARK_LOCAL_IP} is kept. Hadoop writes follow the
 * process umask ({@link ProcessUmask}).
 */
public final class SparkSessions {
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

    private SparkSessions() {
    }

    /** @param master the {@code --master} option, or null */
    public static SparkSession create(String appName, String master) {
        SparkConf conf = configure(new SparkConf(), appName, master, ownJar());
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        LOG.info("Spark {} master {} (default parallelism {})", session.version(),
                session.sparkContext().master(), session.sparkContext().defaultParallelism());
        return session;
    }

    /** The settings {@link #create} applies on top of whatever spark-submit / system properties set. */
    static SparkConf configure(SparkConf conf, String appName, String master, String ownJar) {
        if (master != null && !master.isBlank()) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(appName);
        }
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        conf.setIfMissing("spark.ui.enabled", "false");
        TRAINING_STEP_DEFAULTS.forEach(conf::setIfMissing);
        // read by OpenBLAS when it loads: executors need it in their environment (see BlasRuntime)
        conf.setIfMissing("spark.executorEnv." + BlasRuntime.THREAD_TIMEOUT_VARIABLE,
                BlasRuntime.threadTimeoutForExecutors());
        String m = conf.get("spark.master");
        if (m.startsWith("local") && loopbackIntended(System.getenv("SPARK_LOCAL_IP"))) {
            conf.setIfMissing("spark.driver.bindAddress", LOOPBACK);
            conf.setIfMissing("spark.driver.host", LOOPBACK);
        }
        String umask = ProcessUmask.octal();
        if (umask != null) {
            conf.setIfMissing("spark.hadoop." + ProcessUmask.HADOOP_KEY, umask);
        }
        // Started with plain java against a cluster master: ship our own (shaded) jar to the executors.
        if (!m.startsWith("local") && !conf.contains("spark.jars") && ownJar != null) {
            conf.set("spark.jars", ownJar);
        }
        return conf;
    }

    static final String LOOPBACK = "127.0.0.1";

    /**
     * Defaults for the job's bulk traffic (spark-job/README-training.md, "Spark settings of the step"). The exact
     * step hands its gradients and parameters over as blocks ({@code exec/BroadcastBlocks}); a gradient the block
     * manager cannot keep (≈ 45 MB for MiniLM) returns in the task's status message instead of being stored and
     * fetched the indirect-result way (Spark caps this at {@code spark.rpc.message.maxSize}, 128 MiB); parameters
     * that go through a torrent broadcast (evaluation, prediction, the shared mode) are not LZ4-compressed (floats,
     * almost incompressible: compression cost about a third of a broadcast's CPU time).
     */
    static final Map<String, String> TRAINING_STEP_DEFAULTS = Map.of(
            "spark.task.maxDirectResultSize", "120m",
            "spark.broadcast.compress", "false");

    /** Unless the user pointed SPARK_LOCAL_IP at another interface on purpose. */
    static boolean loopbackIntended(String sparkLocalIp) {
        return sparkLocalIp == null || sparkLocalIp.isBlank() || sparkLocalIp.startsWith("127.")
                || sparkLocalIp.equals("::1") || sparkLocalIp.equals("localhost");
    }

    /** The jar this class was loaded from, or null when running from a classes folder. */
    static String ownJar() {
        try {
            CodeSource src = SparkSessions.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            File f = new File(src.getLocation().toURI());
            return f.isFile() && f.getName().endsWith(".jar") ? f.getAbsolutePath() : null;
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
