package io.sparkcl.job.train.report;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a long scoring action (evaluating a split, writing predictions) in the log, as training has:
 * rows scored out of the total, rows/s and an estimate of the rest, every {@code interval} (so a silent
 * minute means a hung job, not a slow one). The scoring tasks add each micro-batch to {@link #rowsScored()};
 * Spark merges a task's additions into the accumulator only when the task ends, so the rows of running tasks
 * are read from the executors' heartbeats (every {@code spark.executor.heartbeatInterval}, 10 s by default).
 */
public final class SparkProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SparkProgress.class);

    private final SparkContext sc;
    private final String what;
    private final long totalRows;
    private final long start = System.nanoTime();
    private final LongAccumulator scored;
    /** Rows scored so far by each running task (task id → its accumulator value at the last heartbeat). */
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private final Listener listener = new Listener();
    private final ScheduledExecutorService ticker;

    private SparkProgress(SparkContext sc, String what, long totalRows, long intervalSeconds) {
        this.sc = sc;
        this.what = what;
        this.totalRows = totalRows;
        this.scored = sc.longAccumulator("sparkcl rows scored: " + what);
        sc.addSparkListener(listener);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sparkcl-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::report, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    /** Starts reporting {@code what} (e.g. "evaluate test"), {@code totalRows} rows, every {@code intervalSeconds}. */
    public static SparkProgress start(SparkContext sc, String what, long totalRows, long intervalSeconds) {
        return new SparkProgress(sc, what, totalRows, intervalSeconds);
    }

    /** The counter the scoring tasks add their rows to (pass it into the task closure). */
    public LongAccumulator rowsScored() {
        return scored;
    }

    /** Rows scored: those of finished tasks plus the last heartbeat's of running ones (a retried task may count twice). */
    long rows() {
        long n = scored.value();
        for (long r : running.values()) {
            n += r;
        }
        return Math.min(n, totalRows);
    }

    String line() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long n = rows();
        double rate = elapsed > 0 ? n / elapsed : 0;
        String eta = n == 0 ? "" : String.format(Locale.ROOT, ", about %.0f s left", (totalRows - n) / rate);
        return String.format(Locale.ROOT, "%s: %d/%d rows scored after %.0f s (%.1f rows/s)%s", what, n, totalRows,
                elapsed, rate, eta);
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
        public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
            for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task
                    : JavaConverters.seqAsJavaList(update.accumUpdates())) {
                for (AccumulableInfo info : JavaConverters.seqAsJavaList(task._4())) {
                    if (info.id() == scored.id() && info.update().isDefined()) {
                        running.put((Long) task._1(), ((Number) info.update().get()).longValue());
                    }
                }
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            // its rows are now in the accumulator's own value
            running.remove(task.taskInfo().taskId());
        }
    }
}
