package io.sparkcl.job.train;

import io.sparkcl.losses.ObjectiveParts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A log line every N steps: step/total, loss parts, sequences/s, step overhead, ETA. */
final class ProgressLog {
    private static final Logger LOG = LoggerFactory.getLogger("io.sparkcl.job.train.progress");
    private final long total;
    private final long every;
    private final int batch;
    private final long startNanos = System.nanoTime();
    private final long firstStep;

    ProgressLog(long total, long firstStep, long every, int batch) {
        this.total = total;
        this.every = Math.max(1, every);
        this.batch = batch;
        this.firstStep = firstStep;
    }

    void step(long step, ObjectiveParts parts, ParameterUpdater.Update u, long wallNanos) {
        long done = step + 1;
        if (done % every != 0 && done != total && step != firstStep) {
            return;
        }
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double perStep = elapsed / (done - firstStep);
        long etaS = Math.round(perStep * (total - done));
        LOG.info(String.format("step %d/%d loss %.4f (ce %.4f, contrastive %.4f) lr %.2e |g| %.3f %.1f seq/s "
                        + "step %.0f ms ETA %dh%02dm%02ds",
                done, total, parts.total(), parts.ce(), parts.contrastive(), u.learningRate(), u.gradNorm(),
                batch / (wallNanos / 1e9), wallNanos / 1e6, etaS / 3600, (etaS / 60) % 60, etaS % 60));
    }
}
