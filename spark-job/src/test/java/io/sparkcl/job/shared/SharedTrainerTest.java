package io.sparkcl.job.shared;

import io.sparkcl.job.train.ModelStart;
import io.sparkcl.job.train.SyntheticData;
import io.sparkcl.job.train.LocalSpark;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.losses.Method;
import io.sparkcl.losses.Objective;
import io.sparkcl.model.encoder.Pooling;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared mode on in-process Spark (local[2]): DL4J's SharedTrainingMaster with the encoder layer. */
class SharedTrainerTest {
    @RegisterExtension
    static final LocalSpark SPARK = LocalSpark.threads(2);

    /** Mean objective of the parameters over fixed minibatches of the rows, without dropout. */
    static double meanLoss(ModelStart model, List<TrainingRow> rows, SharedSettings s) {
        RowFeatures features = RowFeatures.fitting(rows, model.numLabels());
        ComputationGraph graph = SharedGraph.build(model, features, s, 1);
        double sum = 0;
        int n = 0;
        for (int i = 0; i + s.batchPerExecutor() <= rows.size(); i += s.batchPerExecutor()) {
            sum += graph.score(features.toDataSet(rows.subList(i, i + s.batchPerExecutor())), false);
            n++;
        }
        return sum / n;
    }

    static SharedSettings settings(Method method, int epochs) {
        return new SharedSettings(new Objective(method, 0.5, 0.3), Pooling.CLS, 5L, 1e-2, 0.1, 0.01, 1.0, 8, epochs,
                1e-3, FREE_PORT, null);
    }

    /** A UDP port free on loopback with the next four (the executors' ports), so parallel test runs do not collide. */
    static final int FREE_PORT = freeUdpPorts(5);

    static int freeUdpPorts(int count) {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = 20000 + random.nextInt(40000);
            List<java.net.DatagramSocket> held = new java.util.ArrayList<>();
            try {
                for (int p = first; p < first + count; p++) {
                    held.add(new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", p)));
                }
                return first;
            } catch (java.net.SocketException taken) {
                // try another range
            } finally {
                held.forEach(java.net.DatagramSocket::close);
            }
        }
        throw new IllegalStateException("no free UDP port range on 127.0.0.1");
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void trainsOnLocalSparkAndTheLossFalls(JavaSparkContext jsc) {
        List<TrainingRow> rows = SyntheticData.rows(64, SharedGraphTest.K, false, 31, 0);
        ModelStart start = SharedGraphTest.start(0.1, 3);
        SharedSettings s = settings(Method.SCL, 10);
        SharedTrainer.Result r = SharedTrainer.train(jsc, s, jsc.parallelize(rows, 2), start);
        assertEquals(10, r.epochSeconds().size());
        assertEquals(start.params().length, r.finalParams().length);
        double before = meanLoss(start, rows, s);
        double after = meanLoss(new ModelStart(start.config(), start.numLabels(), r.finalParams()), rows, s);
        assertTrue(after < 0.8 * before, "loss " + before + " -> " + after);
    }
}
