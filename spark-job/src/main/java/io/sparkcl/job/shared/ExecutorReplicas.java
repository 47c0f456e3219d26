package io.sparkcl.job.shared;

import io.sparkcl.losses.ObjectiveParts;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The executors' copies of the parameters, brought in line with the driver's after each epoch.
 * DL4J's SharedTrainingMaster keeps one model per executor JVM across {@code fit} calls and never sends it back.
 * An executor applies the other executors' updates only while a task of its own is training: updates that arrive
 * between its tasks are dropped (DL4J's {@code UpdatesConsumer} in bypass mode) and those still queued when a task
 * ends are purged. Executors whose tasks do not overlap in time therefore miss much of each other's work (measured
 * on the loopback cluster: often all of the other executor's updates of an epoch). The driver, the root of DL4J's
 * mesh, receives every update and applies it to its own network, so after each epoch the driver's parameters are
 * the result ({@link SharedTrainer}): {@link #collect} brings back what each executor trained (steps, loss,
 * traffic) and {@link #push} gives the driver's parameters to every executor, measuring first how far its copy
 * was from them. The encoder layer records the live parameter array it trains in this JVM ({@link #record}).
 * Both jobs run several tasks per executor (Spark offers every idle executor a task) and each JVM answers only
 * the first task of a round.
 */
final class ExecutorReplicas {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorReplicas.class);
    /** The parameter array DL4J trains in this JVM (a live view: DL4J applies the updates in place). */
    private static INDArray trained;
    /** Since the last collection: training steps, summed loss parts and gradient norms. */
    private static long steps;
    private static final double[] lossSums = new double[5];
    private static double gradNormSum;
    /** Aeron bytes sent by this JVM at its last answer. */
    private static long aeronBytesAtLastAnswer;
    /** The last round this JVM answered. */
    private static long answered = Long.MIN_VALUE;

    private ExecutorReplicas() {
    }

    /** Called by the encoder layer after each training step's backward pass. */
    static synchronized void record(INDArray params, ObjectiveParts loss, double gradNorm) {
        trained = params;
        UpdatesInbox.ofThisJvm();
        steps++;
        lossSums[0] += loss.total();
        lossSums[1] += loss.ce();
        lossSums[2] += loss.contrastive();
        lossSums[3] += loss.lz();
        lossSums[4] += loss.ltheta();
        gradNormSum += gradNorm;
    }

    /** What one executor trained since the last collection, and the updates its parameter server received. */
    record Replica(String executor, long steps, double[] lossSums, double gradNormSum, long aeronBytesSent,
                   long updatesReceived) implements Serializable {
    }

    /** This JVM's answer, once per round (an empty list for a later task of the same round). */
    static synchronized List<Replica> answer(long round) {
        if (trained == null || answered == round) {
            return Collections.emptyList();
        }
        answered = round;
        long aeron = AeronTraffic.bytesSent();
        UpdatesInbox inbox = UpdatesInbox.ofThisJvm();
        Replica r = new Replica(SparkEnv.get().executorId(), steps, lossSums.clone(), gradNormSum,
                aeron - aeronBytesAtLastAnswer, inbox == null ? 0 : inbox.take());
        aeronBytesAtLastAnswer = aeron;
        steps = 0;
        Arrays.fill(lossSums, 0);
        gradNormSum = 0;
        return List.of(r);
    }

    /**
     * This JVM's copy's distance from {@code params} (‖copy − params‖ / ‖params‖), then, when {@code replace},
     * the copy replaced by them; once per round (empty for a later task of the same round).
     */
    static synchronized List<Double> sync(long round, float[] params, boolean replace) {
        if (trained == null || answered == round) {
            return Collections.emptyList();
        }
        answered = round;
        double distance = relativeDistance(trained.dup().data().asFloat(), params);
        if (replace) {
            trained.assign(Nd4j.createFromArray(params).reshape(trained.shape()));
        }
        return List.of(distance);
    }

    /**
     * What the executors sent: how many answered, the steps they trained with their mean loss and gradient norm,
     * the bytes their parameter-server transport sent and the updates it received from the other nodes (in all,
     * and the fewest one executor received).
     */
    record Collected(int executors, long steps, ObjectiveParts meanLoss, double meanGradNorm, long aeronBytesSent,
                     long updatesReceived, long fewestUpdatesReceived) {
    }

    static Collected collect(JavaSparkContext jsc, int executors) {
        long round = new Random().nextLong();
        List<Replica> answers = tasks(jsc, executors).mapPartitions(ignored -> answer(round).iterator()).collect();
        if (answers.isEmpty()) {
            throw new IllegalStateException("shared mode: no executor holds trained parameters after the epoch"
                    + " (did DL4J's training run on the executors?)");
        }
        long steps = answers.stream().mapToLong(Replica::steps).sum();
        double[] loss = new double[5];
        double gradNorm = 0;
        for (Replica r : answers) {
            for (int i = 0; i < loss.length; i++) {
                loss[i] += r.lossSums()[i] / Math.max(1, steps);
            }
            gradNorm += r.gradNormSum() / Math.max(1, steps);
            LOG.info("shared mode: executor {}: {} steps, {} updates received from the other nodes", r.executor(),
                    r.steps(), r.updatesReceived());
        }
        ObjectiveParts mean = steps == 0 ? new ObjectiveParts(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN) : new ObjectiveParts(loss[0], loss[1], loss[2], loss[3], loss[4]);
        long aeron = answers.stream().mapToLong(Replica::aeronBytesSent).sum();
        long received = answers.stream().mapToLong(Replica::updatesReceived).sum();
        long fewest = answers.stream().mapToLong(Replica::updatesReceived).min().orElse(0);
        return new Collected(answers.size(), steps, mean, gradNorm, aeron, received, fewest);
    }

    /**
     * Gives every executor {@code params} (when {@code replace}; otherwise only measures) and returns the largest
     * relative distance of an executor's copy from them before that.
     */
    static double push(JavaSparkContext jsc, int executors, float[] params, boolean replace) {
        long round = new Random().nextLong();
        Broadcast<float[]> b = jsc.broadcast(params);
        try {
            return tasks(jsc, executors).mapPartitions(ignored -> sync(round, b.value(), replace).iterator())
                    .collect().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        } finally {
            b.destroy();
        }
    }

    private static JavaRDD<Integer> tasks(JavaSparkContext jsc, int executors) {
        int n = 4 * Math.max(1, executors);
        return jsc.parallelize(IntStream.range(0, n).boxed().toList(), n);
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relativeDistance(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("shared mode: parameter vectors of different lengths (" + a.length
                    + " and " + b.length + ")");
        }
        double d = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            double e = a[i] - b[i];
            d += e * e;
            norm += (double) b[i] * b[i];
        }
        return Math.sqrt(d / Math.max(norm, Double.MIN_VALUE));
    }
}
