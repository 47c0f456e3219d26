package io.sparkcl.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A Spark standalone cluster on 127.0.0.1 (one master, N workers) started from a plain classpath that
 * contains Spark, for integration tests and local experiments; no Spark distribution is needed.
 * Java twin of {@code deploy/bin/local-cluster}.
 *
 * <p>Spark's worker builds each executor's classpath from {@code $SPARK_HOME/jars/*} plus
 * {@code SPARK_DIST_CLASSPATH}; we point {@code SPARK_HOME} at an empty folder and pass our classpath in
 * {@code SPARK_DIST_CLASSPATH}, so executors see exactly the classes of the given classpath (in tests:
 * the test JVM's own, including test classes).
 *
 * <pre>
 * try (LoopbackCluster c = LoopbackCluster.start(2, System.getProperty("java.class.path"), dir)) {
 *     SparkConf conf = new SparkConf().setMaster(c.masterUrl()) …
 * }
 * </pre>
 */
public final class LoopbackCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackCluster.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Java 17 flags Spark needs (same list as the root pom's sparkcl.addOpens). */
    public static final List<String> ADD_OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

    private final Path stateDir;
    private final int masterPort;
    private final int webUiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    private LoopbackCluster(Path stateDir, int masterPort, int webUiPort, Process master) {
        this.stateDir = stateDir;
        this.masterPort = masterPort;
        this.webUiPort = webUiPort;
        this.master = master;
    }

    /** Master plus {@code workers} workers of 1 core and 1 GB each; waits until all are registered (2 min max). */
    public static LoopbackCluster start(int workers, String classpath, Path stateDir) {
        return start(workers, 1, "1g", classpath, stateDir, Duration.ofMinutes(2));
    }

    public static LoopbackCluster start(int workers, int coresPerWorker, String memoryPerWorker, String classpath,
                                        Path stateDir, Duration timeout) {
        return start(workers, coresPerWorker, memoryPerWorker, classpath, stateDir, timeout, i -> Map.of());
    }

    /**
     * As above, with Spark properties for worker {@code i} from {@code workerConf.apply(i)}, given to its JVM
     * as {@code -Dkey=value} (e.g. {@code spark.worker.resource.gpu.*}: Spark 3.5's Worker takes no --conf).
     */
    public static LoopbackCluster start(int workers, int coresPerWorker, String memoryPerWorker, String classpath,
                                        Path stateDir, Duration timeout,
                                        IntFunction<Map<String, String>> workerConf) {
        try {
            Files.createDirectories(stateDir.resolve("logs"));
            Files.createDirectories(stateDir.resolve("spark-home/jars"));
            int port = freePort();
            int webUi = freePort();
            Process m = launch(classpath, stateDir, "master", List.of("org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(webUi)));
            LoopbackCluster cluster = new LoopbackCluster(stateDir, port, webUi, m);
            try {
                for (int i = 0; i < workers; i++) {
                    cluster.addWorker(classpath, coresPerWorker, memoryPerWorker, workerConf.apply(i));
                }
                cluster.awaitWorkers(workers, timeout);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            LOG.info("standalone cluster {} with {} workers (UI http://127.0.0.1:{}, state {})",
                    cluster.masterUrl(), workers, webUi, stateDir);
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the loopback cluster in " + stateDir, e);
        }
    }

    private void addWorker(String classpath, int cores, String memory, Map<String, String> conf) throws IOException {
        int index = workers.size();
        Path work = Files.createDirectories(stateDir.resolve("work-" + index));
        List<String> mainAndArgs = new ArrayList<>();
        conf.forEach((k, v) -> mainAndArgs.add("-D" + k + "=" + v));
        mainAndArgs.addAll(List.of("org.apache.spark.deploy.worker.Worker",
                masterUrl(), "--host", "127.0.0.1", "--port", Integer.toString(freePort()),
                "--webui-port", Integer.toString(freePort()), "--cores", Integer.toString(cores),
                "--memory", memory, "--work-dir", work.toString()));
        workers.add(launch(classpath, stateDir, "worker-" + index, mainAndArgs));
    }

    private static Process launch(String classpath, Path stateDir, String name, List<String> mainAndArgs)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(ADD_OPENS);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", stateDir.resolve("spark-home").toString());
        env.put("SPARK_DIST_CLASSPATH", classpath);
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_NO_DAEMONIZE", "1");
        File log = stateDir.resolve("logs/" + name + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        Process p = pb.start();
        Files.writeString(stateDir.resolve(name + ".pid"), Long.toString(p.pid()));
        return p;
    }

    /** {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Workers the master reports ALIVE, from its JSON status page; -1 while the master does not answer. */
    public int aliveWorkers() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + webUiPort + "/json").openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            try (InputStream in = c.getInputStream()) {
                JsonNode root = JSON.readTree(in);
                int alive = 0;
                for (JsonNode w : root.path("workers")) {
                    if ("ALIVE".equals(w.path("state").asText())) {
                        alive++;
                    }
                }
                return alive;
            }
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until {@code n} workers are registered; fails naming the log folder on timeout or a dead process. */
    public void awaitWorkers(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (aliveWorkers() >= n) {
                return;
            }
            if (!master.isAlive() || workers.stream().anyMatch(w -> !w.isAlive())) {
                throw new IllegalStateException("a Spark master/worker process died; see " + stateDir.resolve("logs"));
            }
            sleep(300);
        }
        throw new IllegalStateException(n + " workers did not register with " + masterUrl() + " within " + timeout
                + "; see " + stateDir.resolve("logs"));
    }

    /** Pids of the executor JVMs currently running under worker {@code index}. */
    public List<Long> executorPids(int index) {
        return workers.get(index).toHandle().descendants().filter(ProcessHandle::isAlive)
                .map(ProcessHandle::pid).toList();
    }

    /**
     * Kills (SIGKILL) the executor processes of worker {@code index}, as a lost executor in production;
     * the worker stays and Spark may start a new executor on it. Returns how many were killed.
     */
    public int killExecutors(int index) {
        List<ProcessHandle> executors = workers.get(index).toHandle().descendants().filter(ProcessHandle::isAlive)
                .toList();
        executors.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : executors) {
            h.onExit().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
        LOG.info("killed {} executor process(es) of worker {}", executors.size(), index);
        return executors.size();
    }

    /** Every process this cluster started, executors included (for checks that nothing is left behind). */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(master.toHandle());
        master.toHandle().descendants().forEach(all::add);
        for (Process w : workers) {
            all.add(w.toHandle());
            w.toHandle().descendants().forEach(all::add);
        }
        return all;
    }

    /** Stops workers (and their executors), then the master; waits until every process has exited. */
    @Override
    public void close() {
        List<ProcessHandle> all = processes();
        for (Process w : workers) {
            w.toHandle().descendants().forEach(ProcessHandle::destroy);
            w.destroy();
        }
        master.destroy();
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
                h.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
            }
        }
        for (String f : Arrays.asList("master.pid")) {
            stateDir.resolve(f).toFile().delete();
        }
        for (int i = 0; i < workers.size(); i++) {
            stateDir.resolve("worker-" + i + ".pid").toFile().delete();
        }
        LOG.info("standalone cluster {} stopped", masterUrl());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }
}
