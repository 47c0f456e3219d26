package io.sparkcl.job.shared;

import io.sparkcl.job.train.ModelStart;
import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.parameterserver.conf.SharedTrainingConfiguration;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Shared mode: DL4J's gradient-sharing parameter server ({@link SharedTrainingMaster}, Aeron UDP). Every
 * executor trains its own copy of the {@link SharedGraph} on its own minibatches (the contrastive term sees
 * only that executor's rows) and sends its updates, threshold-encoded and asynchronously, to the others;
 * there is no global step. One {@code fit} per epoch.
 */
public record SharedTrainer(JavaSparkContext jsc, SharedSettings settings) {
    private static final Logger LOG = LoggerFactory.getLogger(SharedTrainer.class);

    /**
     * What a run produced: the final parameters, the trained network, the wall time of each epoch. (DL4J's
     * SharedTrainingMaster reports no training loss: its score is always 0.)
     */
    public record Result(float[] finalParams, ComputationGraph network, List<Double> epochSeconds) {
    }

    /** Trains on the rows (labels in 0..K-1, DualCL rows with label positions) from the start parameters. */
    public Result train(JavaRDD<TrainingRow> rows, ModelStart start) {
        AeronEnvironment.prepare();
        ParameterServerNetwork network = ParameterServerNetwork.of(jsc.getConf().get("spark.driver.host", "127.0.0.1"),
                settings.port(), settings.networkMask());
        network.checkControllerPortFree();
        RowFeatures features = layout(rows, start.numLabels());
        long count = rows.count();
        int executors = Math.max(1, jsc.sc().statusTracker().getExecutorInfos().length - 1);
        long perEpoch = Math.max(1, (count + (long) settings.batchPerExecutor() * executors - 1)
                / ((long) settings.batchPerExecutor() * executors));
        ComputationGraph graph = SharedGraph.build(start, features, settings, perEpoch * settings.epochs());
        SharedTrainingMaster master = new SharedTrainingMaster.Builder(network.voidConfiguration(),
                settings.batchPerExecutor())
                .batchSizePerWorker(settings.batchPerExecutor())
                .workersPerNode(1)
                .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(settings.threshold()))
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(settings.seed())
                .collectTrainingStats(false)
                .build();
        master.setBroadcastConfiguration(jsc.broadcast(withoutWorkspaces(master)));
        SparkComputationGraph spark = new SparkComputationGraph(jsc, graph, master);
        LOG.info("shared mode: {} rows, {} executor(s), {} rows per minibatch, parameter server at {}:{} on {}",
                count, executors, settings.batchPerExecutor(), network.controllerAddress(), network.controllerPort(),
                network.networkMask());
        List<Double> seconds = new ArrayList<>();
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            JavaRDD<DataSet> batches = rows.mapPartitions(new RowMinibatches(features, settings.batchPerExecutor(),
                    settings.seed(), epoch, network));
            long t0 = System.nanoTime();
            spark.fit(batches);
            seconds.add((System.nanoTime() - t0) / 1e9);
            LOG.info("shared mode: epoch {} of {} in {} s", epoch + 1, settings.epochs(),
                    String.format("%.1f", seconds.get(epoch)));
        }
        ComputationGraph trained = spark.getNetwork();
        return new Result(trained.params().dup().data().asFloat(), trained, seconds);
    }

    /**
     * The executors' configuration as SharedTrainingMaster would build it, but with DL4J's workspaces off:
     * the master offers no option for it, and with workspaces on DL4J's gradient encoder reads the update from a
     * closed workspace (ND4JIllegalStateException "leaked workspace pointer" in encode_bitmap). The master
     * broadcasts its own only when none is set.
     */
    private static SharedTrainingConfiguration withoutWorkspaces(SharedTrainingMaster master) {
        return SharedTrainingConfiguration.builder()
                .thresholdAlgorithm(master.getThresholdAlgorithm())
                .residualPostProcessor(master.getResidualPostProcessor())
                .voidConfiguration(master.getVoidConfiguration())
                .debugLongerIterations(master.getDebugLongerIterations())
                .numberOfWorkersPerNode(master.getNumWorkersPerNode())
                .prefetchSize(master.getWorkerPrefetchBatches())
                .encodingDebugMode(master.isEncodingDebugMode())
                .workspaceMode(WorkspaceMode.NONE)
                .build();
    }

    private static RowFeatures layout(JavaRDD<TrainingRow> rows, int numLabels) {
        int[] sizes = rows.map(r -> new int[]{r.length(), RowFeatures.maxPositions(r)})
                .reduce((a, b) -> new int[]{Math.max(a[0], b[0]), Math.max(a[1], b[1])});
        return new RowFeatures(sizes[0], numLabels, sizes[1]);
    }
}
