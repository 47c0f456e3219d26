package io.sparkcl.job.train;

import io.sparkcl.datasets.sampling.DevSplit;

import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * Every value the trainer needs, decoupled from the command line's config object.
 *
 * @param dataset          dataset registry name, or a path for the generic reader (with {@code readerOptions})
 * @param readerOptions    generic-reader options (text/label columns, label order, format); empty for registry names
 * @param dataDir          data root (null: the datasets module's default)
 * @param model            model registry name or HuggingFace folder
 * @param method           "ce", "scl" or "dualcl"
 * @param steps            total optimizer steps; 0 = {@code epochs × stepsPerEpoch}
 * @param warmup           warm-up: a fraction of the total steps when in (0,1), else a number of steps
 * @param dropout          hidden and attention dropout; negative = the model's own
 * @param fewShot          N examples per class from the training split (0 = all)
 * @param fraction         stratified fraction of the training split (1 = all)
 * @param evalEvery        evaluate on dev/test every N steps (0 = at the end of each epoch); always at the end
 * @param checkpointEvery  write the "last" checkpoint every N steps (0 = only at the end)
 * @param output           run folder, a Hadoop path (file:/…, hdfs://…)
 * @param partitions       partitions of the cached training rows (0 = Spark's default parallelism)
 * @param pooling          "cls" (the papers' [CLS] feature) or "mean"
 * @param maxBadRows       bad-row threshold for the readers (a count, or a fraction below 1)
 * @param evalBatch        rows per forward pass in evaluation
 * @param logEvery         progress log line every N steps
 * @param injectNanAtStep  test/debug hook: the loss computed on the executors at this global step is NaN (-1 = off)
 * @param stopAfterStep    test/debug hook: stop (as if killed) after this global step is done (-1 = off)
 * @param failTaskAtStep   test/debug hook: the first attempt of partition 0's pass-2 task of this global step fails
 *                         after computing (as if its executor died), so Spark retries it (-1 = off)
 * @param devSplit         how a dev split is carved from the training rows when the dataset has none (null: default)
 */
public record TrainerSettings(
        String dataset,
        Map<String, String> readerOptions,
        String dataDir,
        String maxBadRows,
        String model,
        String method,
        double lambda,
        double tau,
        String pooling,
        boolean freezeEmbeddings,
        int globalBatch,
        int microBatch,
        int epochs,
        long steps,
        double lr,
        double warmup,
        double weightDecay,
        double maxGradNorm,
        int maxLength,
        double dropout,
        long seed,
        int fewShot,
        double fraction,
        double labelNoise,
        long evalEvery,
        int evalBatch,
        long checkpointEvery,
        long logEvery,
        String output,
        int partitions,
        boolean resume,
        long injectNanAtStep,
        long stopAfterStep,
        long failTaskAtStep,
        DevSplit devSplit) implements Serializable {

    public TrainerSettings {
        method = method == null ? "dualcl" : method.toLowerCase(Locale.ROOT);
        readerOptions = readerOptions == null ? Map.of() : Map.copyOf(readerOptions);
        pooling = pooling == null ? "cls" : pooling.toLowerCase(Locale.ROOT);
        devSplit = devSplit == null ? DevSplit.defaults() : devSplit;
        if (!method.equals("ce") && !method.equals("scl") && !method.equals("dualcl")) {
            throw new IllegalArgumentException("--method must be ce, scl or dualcl, got '" + method + "'");
        }
        if (lambda < 0 || lambda > 1) {
            throw new IllegalArgumentException("--lambda must be in [0,1], got " + lambda);
        }
        if (!(tau > 0)) {
            throw new IllegalArgumentException("--tau must be positive, got " + tau);
        }
        if (globalBatch <= 0 || microBatch <= 0) {
            throw new IllegalArgumentException("--global-batch and --micro-batch must be positive, got " + globalBatch
                    + " and " + microBatch);
        }
        if (microBatch > globalBatch) {
            throw new IllegalArgumentException("--micro-batch " + microBatch + " is larger than --global-batch " + globalBatch);
        }
        if (epochs <= 0 && steps <= 0) {
            throw new IllegalArgumentException("give --epochs or --steps (both are 0)");
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("--lr must be positive, got " + lr);
        }
        if (warmup < 0 || weightDecay < 0 || maxGradNorm < 0) {
            throw new IllegalArgumentException("--warmup, --weight-decay and the gradient clip must be >= 0");
        }
        if (maxLength < 8) {
            throw new IllegalArgumentException("--max-length must be at least 8, got " + maxLength);
        }
        if (dropout >= 1) {
            throw new IllegalArgumentException("--dropout must be < 1, got " + dropout);
        }
        if (labelNoise < 0 || labelNoise >= 1) {
            throw new IllegalArgumentException("--label-noise must be in [0,1), got " + labelNoise);
        }
        if (!pooling.equals("cls") && !pooling.equals("mean")) {
            throw new IllegalArgumentException("pooling must be cls or mean, got '" + pooling + "'");
        }
        if (output == null || output.isBlank()) {
            throw new IllegalArgumentException("--output (the run folder) is required");
        }
        if (logEvery <= 0) {
            logEvery = 10;
        }
        if (evalBatch <= 0) {
            evalBatch = 64;
        }
        if (fraction <= 0 || fraction > 1) {
            throw new IllegalArgumentException("--fraction must be in (0,1], got " + fraction);
        }
    }

    /** Defaults for everything but the dataset, model, method and output (used by tests and benchmarks). */
    public static TrainerSettings defaults(String dataset, String model, String method, String output) {
        return new TrainerSettings(dataset, Map.of(), null, "0", model, method, 0.1, 0.3, "cls", false, 32, 16, 1, 0,
                2e-5, 0.1, 0.01, 1.0, 128, -1, 42, 0, 1, 0, 0, 64, 0, 10, output, 0, false, -1, -1, -1, null);
    }

    public boolean isDualCl() {
        return method.equals("dualcl");
    }

    public boolean hasContrastive() {
        return !method.equals("ce") && lambda > 0;
    }

    public TrainerSettings withSteps(long newSteps) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, newSteps, lr, warmup, weightDecay, maxGradNorm,
                maxLength, dropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery,
                logEvery, output, partitions, resume, injectNanAtStep, stopAfterStep, failTaskAtStep, devSplit);
    }

    public TrainerSettings withOutput(String newOutput, boolean newResume) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, steps, lr, warmup, weightDecay, maxGradNorm,
                maxLength, dropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery,
                logEvery, newOutput, partitions, newResume, injectNanAtStep, stopAfterStep, failTaskAtStep, devSplit);
    }

    public TrainerSettings withHooks(long nanAtStep, long stopAfter) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, steps, lr, warmup, weightDecay, maxGradNorm,
                maxLength, dropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery,
                logEvery, output, partitions, resume, nanAtStep, stopAfter, failTaskAtStep, devSplit);
    }

    public TrainerSettings withPartitions(int p) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, steps, lr, warmup, weightDecay, maxGradNorm,
                maxLength, dropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery,
                logEvery, output, p, resume, injectNanAtStep, stopAfterStep, failTaskAtStep, devSplit);
    }

    public TrainerSettings withSchedule(long evalEveryN, long checkpointEveryN) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, steps, lr, warmup, weightDecay, maxGradNorm,
                maxLength, dropout, seed, fewShot, fraction, labelNoise, evalEveryN, evalBatch, checkpointEveryN,
                logEvery, output, partitions, resume, injectNanAtStep, stopAfterStep, failTaskAtStep, devSplit);
    }

    public TrainerSettings withBatch(int global, int micro) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, global, micro, epochs, steps, lr, warmup, weightDecay, maxGradNorm, maxLength,
                dropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery, logEvery,
                output, partitions, resume, injectNanAtStep, stopAfterStep, failTaskAtStep, devSplit);
    }

    public TrainerSettings withMethod(String m, double lam, double t) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, m, lam, t, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, steps, lr, warmup, weightDecay, maxGradNorm,
                maxLength, dropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery,
                logEvery, output, partitions, resume, injectNanAtStep, stopAfterStep, failTaskAtStep, devSplit);
    }

    public TrainerSettings withOptim(double newLr, double newWarmup, double newDropout) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, steps, newLr, newWarmup, weightDecay, maxGradNorm,
                maxLength, newDropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery,
                logEvery, output, partitions, resume, injectNanAtStep, stopAfterStep, failTaskAtStep, devSplit);
    }

    public TrainerSettings withTaskFailureAt(long step) {
        return new TrainerSettings(dataset, readerOptions, dataDir, maxBadRows, model, method, lambda, tau, pooling,
                freezeEmbeddings, globalBatch, microBatch, epochs, steps, lr, warmup, weightDecay, maxGradNorm, maxLength,
                dropout, seed, fewShot, fraction, labelNoise, evalEvery, evalBatch, checkpointEvery, logEvery, output,
                partitions, resume, injectNanAtStep, stopAfterStep, step, devSplit);
    }

    /** The trainer's view of the command line's resolved config. */
    public static TrainerSettings from(io.sparkcl.job.config.TrainConfig c) {
        return new TrainerSettings(c.dataset(), c.readerOptions(), c.dataDir(), c.maxBadRows(), c.model(), c.method(),
                c.lambda(), c.tau(), c.pooling(), c.freezeEmbeddings(), c.globalBatch(), c.microBatch(), c.epochs(),
                c.steps(), c.lr(), c.warmup(), c.weightDecay(), c.maxGradNorm(), c.maxLength(), c.dropout(), c.seed(),
                c.fewShot(), c.fraction(), c.labelNoise(), c.evalEvery(), c.evalBatch(), c.checkpointEvery(),
                c.logEvery(), c.output(), c.partitions(), c.resume(), -1, -1, -1, c.devSplit());
    }
}
