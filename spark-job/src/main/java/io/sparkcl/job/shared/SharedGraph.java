package io.sparkcl.job.shared;

import io.sparkcl.job.train.ModelStart;
import io.sparkcl.model.optim.LearningRateSchedule;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The DL4J network of shared mode: one input (the {@link RowFeatures} matrix) and one
 * {@link EncoderObjectiveLayer}. Adam with decoupled weight decay on the weight matrices, the project's
 * warm-up/decay schedule, per-minibatch L2 clipping (the encoder is one layer, so per-layer clipping is
 * clipping of the whole gradient).
 */
public final class SharedGraph {
    public static final String INPUT = "rows";
    public static final String ENCODER = "encoder";

    private SharedGraph() {
    }

    /** A network with the start's parameters; the schedule spans {@code totalIterations} updates. */
    public static ComputationGraph build(ModelStart start, RowFeatures features, SharedSettings s,
                                         long totalIterations) {
        return build(start, features, s, totalIterations, 0);
    }

    /** As above, for a run that has done {@code firstStep} of its updates already (resume). */
    public static ComputationGraph build(ModelStart start, RowFeatures features, SharedSettings s,
                                         long totalIterations, long firstStep) {
        EncoderObjectiveLayer layer = new EncoderObjectiveLayer(start.config(), s.pooling(), s.objective(), s.seed(),
                features).startingAt(firstStep);
        if (s.weightDecay() > 0) {
            layer.setRegularization(java.util.List.of(new MaskedWeightDecay(s.weightDecay(), start.config(),
                    start.numLabels())));
        }
        LearningRateSchedule schedule = LearningRateSchedule.withWarmupRatio(s.lr(), s.warmupRatio(),
                Math.max(1, totalIterations));
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(s.seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(new WarmupLinearSchedule(schedule)))
                // the encoder keeps its buffers outside DL4J's workspaces
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE);
        if (s.maxGradNorm() > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(s.maxGradNorm());
        }
        ComputationGraphConfiguration conf = b.graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.feedForward(features.width()))
                .addLayer(ENCODER, layer, INPUT)
                .setOutputs(ENCODER)
                .build();
        if (layer.numParams() != start.params().length) {
            throw new IllegalArgumentException("start parameters have " + start.params().length + " values, the "
                    + start.config() + " encoder with " + start.numLabels() + " labels needs " + layer.numParams());
        }
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init(Nd4j.createFromArray(start.params()).reshape(1, start.params().length), false);
        return graph;
    }
}
