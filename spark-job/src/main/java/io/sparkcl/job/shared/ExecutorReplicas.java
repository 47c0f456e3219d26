package io.sparkcl.job.shared;

import io.sparkcl.losses.ObjectiveParts;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The executors' trained parameters, brought back to the driver and given back to the executors after each epoch.
 * DL4J's SharedTrainingMaster keeps one model per executor JVM across {@code fit} calls and never sends it back:
 * on a cluster the driver's copy only changes by the updates its own parameter-server node applies (almost none),
 * and the executors' copies drift apart (their updates reach each other only in part). So the encoder layer
 * records the live parameter array it trains in this JVM ({@link #record}); after each epoch one small Spark job
 * asks every executor for it ({@link #collect}), the driver takes the mean, and another job gives the mean back
 * ({@link #push}). Both jobs run several tasks per executor (Spark offers every idle executor a task) and each
 * JVM answers only the first task of a round.
 */
final class ExecutorReplicas {
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
        steps++;
        lossSums[0] += loss.total();
        lossSums[1] += loss.ce();
        lossSums[2] += loss.contrastive();
        lossSums[3] += loss.lz();
        lossSums[4] += loss.ltheta();
        gradNormSum += gradNorm;
    }

    /** One executor's answer: its parameters and what it trained since the last collection. */
    record Replica(String executor, long steps, double[] lossSums, double gradNormSum, long aeronBytesSent,
                   float[] params) implements Serializable {
    }

    /** This JVM's trained parameters, once per round (an empty list for a later task of the same round). */
    static synchronized List<Replica> answer(long round) {
        if (trained == null || answered == round) {
            return Collections.emptyList();
        }
        answered = round;
        long aeron = AeronTraffic.bytesSent();
        Replica r = new Replica(SparkEnv.get().executorId(), steps, lossSums.clone(), gradNormSum,
                aeron - aeronBytesAtLastAnswer, trained.dup().data().asFloat());
        aeronBytesAtLastAnswer = aeron;
        steps = 0;
        java.util.Arrays.fill(lossSums, 0);
        gradNormSum = 0;
        return List.of(r);
    }

    /** Replaces this JVM's trained parameters by {@code params}, once per round; whether it did. */
    static synchronized boolean replace(long round, float[] params) {
        if (trained == null || answered == round) {
            return false;
        }
        answered = round;
        trained.assign(Nd4j.createFromArray(params).reshape(trained.shape()));
        return true;
    }

    /**
     * What the executors sent: how many answered, the mean of their parameters, how far apart they were
     * (max over executors of ‖copy − mean‖ / ‖mean‖), the steps they trained with their mean loss and
     * gradient norm, and the bytes their parameter-server transport sent meanwhile.
     */
    record Collected(int executors, float[] mean, double maxRelativeSpread, long steps, ObjectiveParts meanLoss,
                     double meanGradNorm, long aeronBytesSent) {
    }

    static Collected collect(JavaSparkContext jsc, int executors) {
        long round = new Random().nextLong();
        List<Replica> answers = tasks(jsc, executors).mapPartitions(ignored -> answer(round).iterator()).collect();
        if (answers.isEmpty()) {
            throw new IllegalStateException("shared mode: no executor holds trained parameters after the epoch"
                    + " (did DL4J's training run on the executors?)");
        }
        List<float[]> copies = answers.stream().map(Replica::params).toList();
        long steps = answers.stream().mapToLong(Replica::steps).sum();
        double[] loss = new double[5];
        double gradNorm = 0;
        for (Replica r : answers) {
            for (int i = 0; i < loss.length; i++) {
                loss[i] += r.lossSums()[i] / Math.max(1, steps);
            }
            gradNorm += r.gradNormSum() / Math.max(1, steps);
        }
        ObjectiveParts mean = steps == 0 ? new ObjectiveParts(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN) : new ObjectiveParts(loss[0], loss[1], loss[2], loss[3], loss[4]);
        long aeron = answers.stream().mapToLong(Replica::aeronBytesSent).sum();
        return new Collected(answers.size(), mean(copies), spread(copies), steps, mean, gradNorm, aeron);
    }

    /** Gives every executor {@code params} before the next epoch; returns how many executors took them. */
    static int push(JavaSparkContext jsc, int executors, float[] params) {
        long round = new Random().nextLong();
        Broadcast<float[]> b = jsc.broadcast(params);
        try {
            return (int) tasks(jsc, executors).filter(ignored -> replace(round, b.value())).count();
        } finally {
            b.destroy();
        }
    }

    private static org.apache.spark.api.java.JavaRDD<Integer> tasks(JavaSparkContext jsc, int executors) {
        int n = 4 * Math.max(1, executors);
        return jsc.parallelize(IntStream.range(0, n).boxed().toList(), n);
    }

    static float[] mean(List<float[]> copies) {
        int n = copies.get(0).length;
        double[] sum = new double[n];
        for (float[] c : copies) {
            if (c.length != n) {
                throw new IllegalStateException("shared mode: executors hold parameter vectors of different lengths ("
                        + n + " and " + c.length + ")");
            }
            for (int i = 0; i < n; i++) {
                sum[i] += c[i];
            }
        }
        float[] mean = new float[n];
        for (int i = 0; i < n; i++) {
            mean[i] = (float) (sum[i] / copies.size());
        }
        return mean;
    }

    /** max over copies of ‖copy − mean‖ / ‖mean‖ (0 for one copy). */
    static double spread(List<float[]> copies) {
        float[] mean = mean(copies);
        double norm = 0;
        for (float v : mean) {
            norm += (double) v * v;
        }
        double worst = 0;
        for (float[] c : copies) {
            double d = 0;
            for (int i = 0; i < c.length; i++) {
                double e = c[i] - mean[i];
                d += e * e;
            }
            worst = Math.max(worst, Math.sqrt(d / Math.max(norm, Double.MIN_VALUE)));
        }
        return worst;
    }
}
