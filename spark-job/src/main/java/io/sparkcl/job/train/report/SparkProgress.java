package io.sparkcl.job.train.report;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Progress of a long Spark action (evaluating a split, writing predictions) in the log, as training has:
 * finished tasks out of those submitted, elapsed time and an estimate of the rest, at most every
 * {@code interval} and at least every {@code interval} (so a silent minute means a hung job, not a slow one).
 * Counts every task that ends while it is open; the job runs one action at a time on the driver.
 */
public final class SparkProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkProgress.class);

    private final SparkContext sc;
    private final String what;
    private final long start = System.nanoTime();
    private final AtomicInteger submitted = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final Listener listener = new Listener();
    private final ScheduledExecutorService ticker;

    private SparkProgress(SparkContext sc, String what, long intervalSeconds) {
        this.sc = sc;
        this.what = what;
        sc.addSparkListener(listener);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sparkcl-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    /** Starts reporting {@code what} (e.g. "evaluate test") every {@code intervalSeconds}. */
    public static SparkProgress start(SparkContext sc, String what, long intervalSeconds) {
        return new SparkProgress(sc, what, intervalSeconds);
    }

    String line() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        int n = done.get();
        int total = Math.max(submitted.get(), n);
        String eta = n == 0 || total == 0 ? "" : String.format(Locale.ROOT, ", about %.0f s left",
                elapsed / n * (total - n));
        return String.format(Locale.ROOT, "%s: %d/%d tasks done after %.0f s%s", what, n, total, elapsed, eta);
    }

    private void report() {
        LOG.info(line());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        sc.removeSparkListener(listener);
    }

    private final class Listener extends SparkListener {
        @Override
        public void onStageSubmitted(SparkListenerStageSubmitted stage) {
            submitted.addAndGet(stage.stageInfo().numTasks());
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            done.incrementAndGet();
        }
    }
}
