package io.sparkcl.job.shared;

import io.sparkcl.job.train.ModelStart;
import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.losses.ObjectiveParts;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.repartitioner.NoOpRepartitioner;
import org.deeplearning4j.spark.parameterserver.conf.SharedTrainingConfiguration;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Shared mode: DL4J's gradient-sharing parameter server ({@link SharedTrainingMaster}, Aeron UDP). Every
 * executor trains its own copy of the {@link SharedGraph} on its own minibatches (the contrastive term sees
 * only that executor's rows) and sends its updates, threshold-encoded and asynchronously, to the others;
 * there is no global step. One {@link #fit} per epoch; after it the driver's network, to which DL4J applies every
 * executor's updates, is the result, and the driver gives it to the executors ({@link ExecutorReplicas}).
 */
public final class SharedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SharedTrainer.class);

    private final JavaSparkContext jsc;
    private final SharedSettings settings;
    private final RowFeatures features;
    private final ParameterServerNetwork network;
    private final int executors;
    private final long stepsPerEpoch;
    private final SparkComputationGraph spark;
    private final SharedTrainingMaster master;
    /** See {@link #applyUpdatesInFlight}. */
    private static final long QUIET_MS = 300;
    private static final long MAX_WAIT_MS = 5000;

    /** What a run of {@link #train} produced: the final parameters, the trained network, each epoch's time. */
    public record Result(float[] finalParams, ComputationGraph network, List<Double> epochSeconds) {
    }

    /**
     * One epoch: its wall time split into DL4J's fit and the driver's collection and push of the parameters, the
     * steps the executors ran, their mean loss parts and gradient norm, how far apart the executors' copies
     * were from the epoch's result (the largest ‖copy − result‖ / ‖result‖: the updates an executor missed) and how
     * far the result moved in the epoch (‖result − start‖ / ‖start‖), the bytes the executors' parameter-server
     * transport sent and the updates it received from the other nodes (in all, and the fewest one executor
     * received).
     */
    public record Epoch(double fitSeconds, double syncSeconds, long steps, ObjectiveParts meanLoss,
                        double meanGradNorm, int executors, double maxRelativeSpread, double relativeMovement,
                        long aeronBytesSent, long updatesReceived, long fewestUpdatesReceived) {
    }

    /**
     * Sets up the parameter server and the network from {@code start}.
     *
     * @param rowCount       training rows per epoch
     * @param firstEpoch     epochs already done (a resumed run), for the schedule and dropout
     * @param updaterState   Adam's state to start from (a resumed run), or null
     */
    public SharedTrainer(JavaSparkContext jsc, SharedSettings settings, RowFeatures features, ModelStart start,
                         long rowCount, int firstEpoch, float[] updaterState) {
        this.jsc = jsc;
        this.settings = settings;
        this.features = features;
        AeronEnvironment.prepare();
        this.network = ParameterServerNetwork.of(jsc.getConf().get("spark.driver.host", "127.0.0.1"),
                settings.port(), settings.networkMask());
        network.checkControllerPortFree();
        this.executors = executorCount(jsc);
        long perRound = (long) settings.batchPerExecutor() * executors;
        this.stepsPerEpoch = Math.max(1, (rowCount + perRound - 1) / perRound);
        ComputationGraph graph = SharedGraph.build(start, features, settings, stepsPerEpoch * settings.epochs(),
                stepsPerEpoch * firstEpoch);
        if (updaterState != null) {
            INDArray state = graph.getUpdater().getStateViewArray();
            if (state == null || state.length() != updaterState.length) {
                throw new IllegalArgumentException("the optimizer state to resume from has " + updaterState.length
                        + " values, shared mode's Adam needs " + (state == null ? 0 : state.length())
                        + " (was the checkpoint written in another --mode?)");
            }
            state.assign(Nd4j.createFromArray(updaterState).reshape(state.shape()));
        }
        this.master = new SharedTrainingMaster.Builder(network.voidConfiguration(),
                settings.batchPerExecutor())
                .batchSizePerWorker(settings.batchPerExecutor())
                .workersPerNode(1)
                .thresholdAlgorithm(new AdaptiveThresholdAlgorithm(settings.threshold()))
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                // keep the rows' partitions (one per core): DL4J's default splits them into one-minibatch tasks, and
                // each task end drops the accumulator's residual, so no update larger than the threshold survives
                .repartitioner(new NoOpRepartitioner())
                .rngSeed(settings.seed())
                .collectTrainingStats(false)
                .build();
        master.setBroadcastConfiguration(jsc.broadcast(withoutWorkspaces(master)));
        this.spark = new SparkComputationGraph(jsc, graph, master);
        LOG.info("shared mode: {} rows, {} executor(s), {} rows per minibatch, parameter server at {}:{} on {}",
                rowCount, executors, settings.batchPerExecutor(), network.controllerAddress(),
                network.controllerPort(), network.networkMask());
    }

    /** Trains all epochs on the same rows (tests and benchmarks). */
    public static Result train(JavaSparkContext jsc, SharedSettings settings, JavaRDD<TrainingRow> rows,
                               ModelStart start) {
        SharedTrainer trainer = new SharedTrainer(jsc, settings, layout(rows, start.numLabels()), start, rows.count(),
                0, null);
        List<Double> seconds = new ArrayList<>();
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            Epoch e = trainer.fit(rows, epoch);
            seconds.add(e.fitSeconds() + e.syncSeconds());
        }
        return new Result(trainer.params(), trainer.network(), seconds);
    }

    /**
     * One epoch over {@code rows}. Afterwards the driver's network holds the result: DL4J's driver applies every
     * executor's updates to it (it is the root of DL4J's mesh), and the executors' copies, which miss the updates
     * that arrived between their tasks, are replaced by it ({@link ExecutorReplicas}).
     */
    public Epoch fit(JavaRDD<TrainingRow> rows, int epoch) {
        JavaRDD<DataSet> batches = rows.mapPartitions(new RowMinibatches(features, settings.batchPerExecutor(),
                settings.seed(), epoch, network));
        float[] start = params();
        long t0 = System.nanoTime();
        spark.fit(batches);
        long t1 = System.nanoTime();
        long driverReceived = applyUpdatesInFlight();
        ExecutorReplicas.Collected replicas = ExecutorReplicas.collect(jsc, executors);
        float[] result = params();
        double missed = ExecutorReplicas.push(jsc, executors, result, epoch + 1 < settings.epochs());
        double movement = ExecutorReplicas.relativeDistance(result, start);
        long t2 = System.nanoTime();
        LOG.info("shared mode: epoch {}: {} steps on {} executor(s), mean loss {}, fit {} s, parameters synchronised"
                        + " in {} s (parameters moved {} relative to the epoch's start; the executor copy farthest"
                        + " from the result was {} away; updates received: {} by the driver, {} by the executors)",
                epoch + 1,
                replicas.steps(), replicas.executors(), String.format("%.4f", replicas.meanLoss().total()),
                String.format("%.1f", (t1 - t0) / 1e9), String.format("%.1f", (t2 - t1) / 1e9),
                String.format("%.2e", movement), String.format("%.2e", missed), driverReceived,
                replicas.updatesReceived());
        return new Epoch((t1 - t0) / 1e9, (t2 - t1) / 1e9, replicas.steps(), replicas.meanLoss(),
                replicas.meanGradNorm(), replicas.executors(), missed, movement, replicas.aeronBytesSent(),
                replicas.updatesReceived(), replicas.fewestUpdatesReceived());
    }

    /**
     * Lets the updates the executors sent last (still on the network when their tasks ended) reach the driver, then
     * applies them to its network: DL4J's driver applies what it received once per 32 updates and when the fit ends,
     * so later arrivals would wait for the next epoch. The executors' tasks are over, so the traffic stops: wait
     * until no update arrived for {@link #QUIET_MS} (at most {@link #MAX_WAIT_MS}). Returns the updates the driver
     * received since the last call (in local mode: the one executor's, which runs in the driver's JVM).
     */
    private long applyUpdatesInFlight() {
        UpdatesInbox inbox = UpdatesInbox.ofThisJvm();
        long deadline = System.nanoTime() + MAX_WAIT_MS * 1_000_000L;
        long seen = inbox == null ? 0 : inbox.received();
        while (inbox != null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(QUIET_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = inbox.received();
            if (now == seen) {
                break;
            }
            seen = now;
        }
        if (master.getUpdatesConsumer() != null) {
            master.getUpdatesConsumer().flush();
        }
        return inbox == null ? 0 : inbox.take();
    }

    public ComputationGraph network() {
        return spark.getNetwork();
    }

    /** A copy of the driver's parameters. */
    public float[] params() {
        return spark.getNetwork().params().dup().data().asFloat();
    }

    /** A copy of the driver's Adam state (the executors' mean, as DL4J aggregates it after each fit). */
    public float[] updaterState() {
        INDArray state = spark.getNetwork().getUpdater().getStateViewArray();
        return state == null ? new float[0] : state.dup().data().asFloat();
    }

    /** Each executor's minibatch steps per epoch (the schedule's unit). */
    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public int executors() {
        return executors;
    }

    /** Executors registered with the driver (1 in local mode, where the driver runs the tasks). */
    public static int executorCount(JavaSparkContext jsc) {
        return Math.max(1, jsc.sc().statusTracker().getExecutorInfos().length - 1);
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

    /** The row layout that fits every row (longest row, most token positions of a label name). */
    public static RowFeatures layout(JavaRDD<TrainingRow> rows, int numLabels) {
        int[] sizes = rows.map(r -> new int[]{r.length(), RowFeatures.maxPositions(r)})
                .reduce((a, b) -> new int[]{Math.max(a[0], b[0]), Math.max(a[1], b[1])});
        return new RowFeatures(sizes[0], numLabels, sizes[1]);
    }
}
