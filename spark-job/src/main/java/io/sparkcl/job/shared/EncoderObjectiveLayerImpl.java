package io.sparkcl.job.shared;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.data.RowBatches;
import io.sparkcl.losses.Objective;
import io.sparkcl.losses.ObjectiveParts;
import io.sparkcl.losses.ObjectiveResult;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.ForwardState;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.util.FeatureUtil;

import java.util.List;

/**
 * The runtime of {@link EncoderObjectiveLayer}: forward and backward delegate to the project's
 * {@link BertEncoderModel}, the loss and its gradients to the losses module's {@link Objective} over this
 * minibatch (on an executor: that executor's own rows, so the contrastive term sees only their negatives).
 *
 * <p>The encoder keeps its own activation buffers across steps, so every call into it runs outside DL4J's
 * workspaces (arrays made inside a workspace are recycled when it closes). DL4J's parameter view is copied
 * into the encoder before each forward, and the encoder's gradient into DL4J's gradient view.
 */
final class EncoderObjectiveLayerImpl extends BaseLayer<EncoderObjectiveLayer> implements IOutputLayer {
    private INDArray labels;
    private transient BertEncoderModel encoder;
    private transient INDArray gradientBuffer;
    private transient Objective objective;
    private transient ForwardState state;
    private transient ObjectiveResult result;
    /** Steps this layer instance trained (DL4J's iteration count is reset on executors: see WarmupLinearSchedule). */
    private transient long trainedSteps;

    EncoderObjectiveLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private BertEncoderModel encoder() {
        if (encoder == null) {
            EncoderObjectiveLayer c = layerConf();
            // an allocation only: every forward copies DL4J's parameters into it first
            BertParameters own = BertParameters.zeros(c.encoderConfig(), c.numLabels(), DataType.FLOAT);
            encoder = new BertEncoderModel(own, c.pooling());
            gradientBuffer = Nd4j.create(DataType.FLOAT, own.size());
            objective = c.objective();
        }
        return encoder;
    }

    private ClassifierHead head() {
        return objective.needsLabelFeatures() ? ClassifierHead.DUALCL : ClassifierHead.LINEAR;
    }

    /** The run's step this layer is training: the configured first step plus the steps it trained. */
    private long step() {
        return layerConf().firstStep() + trainedSteps;
    }

    /** Runs the encoder on the current input; dropout (when training) from (seed, step, row index). */
    private void forward(boolean training) {
        assertInputSet(false);
        BertEncoderModel model = encoder();
        EncoderObjectiveLayer c = layerConf();
        List<TrainingRow> rows = c.rowFeatures().toRows(input, null);
        INDArray flat = model.parameters().flat();
        flat.assign(paramsFlattened.reshape(flat.shape()));
        // Always a forward that keeps activations: DL4J may back-propagate after any forward. Dropout is on only
        // when training, through the per-row seeds (none at step -1).
        state = model.forward(RowBatches.encode(rows, c.padTokenId(), head(), c.seed(),
                training ? step() : -1), true);
        result = null;
    }

    /** A new input invalidates the forward state (DL4J sets it before each fit, score or output call). */
    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        super.setInput(input, workspaceMgr);
        state = null;
        result = null;
    }

    /**
     * The objective on the current input. DL4J does not run an output layer's forward before asking for its
     * gradient or score, so the forward runs here when the input has not been through it yet.
     */
    private ObjectiveResult objectiveResult(boolean training) {
        if (state == null || state.training() != training) {
            forward(training);
        }
        if (labels == null) {
            throw new IllegalStateException("EncoderObjectiveLayer: labels are not set");
        }
        if (result == null) {
            INDArray y = Nd4j.createFromArray(labels.argMax(1).toIntVector());
            result = objective.compute(state.pooled(), head().labelAwareInput() ? null : state.logits(),
                    head().labelAwareInput() ? state.labelFeatures() : null, y);
        }
        return result;
    }

    /** Class probabilities [n, K] (linear head, or DualCL's label-aware classifier). */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray probabilities;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            forward(training);
            probabilities = Nd4j.createFromArray(head().probabilities(state));
        }
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, probabilities);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        ObjectiveParts parts;
        double gradNorm;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ObjectiveResult r = objectiveResult(true);
            parts = r.parts();
            score = r.parts().total();
            gradientBuffer.assign(0);
            encoder.backward(state, r.gradFeatures(), r.gradLogits(), r.gradLabelFeatures(), gradientBuffer);
            INDArray view = gradientViews.get(EncoderParamInitializer.PARAM);
            view.assign(gradientBuffer.reshape(view.shape()));
            gradNorm = gradientBuffer.norm2Number().doubleValue();
        }
        // the learning rate of the update DL4J computes next, then the parameters this JVM trains (collected by
        // the driver after the epoch)
        WarmupLinearSchedule.trainingStep(step());
        trainedSteps++;
        ExecutorReplicas.record(paramsFlattened, parts, gradNorm);
        Gradient g = new DefaultGradient(gradientsFlattened);
        g.setGradientFor(EncoderParamInitializer.PARAM, gradientViews.get(EncoderParamInitializer.PARAM));
        // the input is token ids: nothing upstream to propagate to
        INDArray inputGradient = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape());
        return new Pair<>(g, inputGradient);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            score = objectiveResult(training).parts().total() + fullNetRegTerm;
        }
        return score;
    }

    /** The gradients are already means over the minibatch (the objective is a batch mean). */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return false;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("a contrastive objective has no per-example score: it couples the"
                + " rows of a minibatch");
    }

    @Override
    public boolean needsLabels() {
        return true;
    }

    @Override
    public INDArray getLabels() {
        return labels;
    }

    @Override
    public void setLabels(INDArray labels) {
        this.labels = labels;
        this.result = null;
    }

    @Override
    public int numLabels() {
        return layerConf().numLabels();
    }

    @Override
    public int[] predict(INDArray features) {
        setInput(features, LayerWorkspaceMgr.noWorkspaces());
        return activate(false, LayerWorkspaceMgr.noWorkspaces()).argMax(1).toIntVector();
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }

    @Override
    public void clear() {
        super.clear();
        labels = null;
        state = null;
        result = null;
    }

    /**
     * DL4J's {@code Classifier} methods: the layer is trained and evaluated only through its ComputationGraph
     * (SharedTrainer, SharedModeTrainer's evaluation), so the ones that would train or score it on its own refuse,
     * and the others lead to them.
     */
    private static UnsupportedOperationException trainThroughTheGraph() {
        return new UnsupportedOperationException("EncoderObjectiveLayer is trained and evaluated through its"
                + " ComputationGraph (SharedTrainer), not on its own");
    }

    @Override
    public void fit(INDArray examples, INDArray labels) {
        throw trainThroughTheGraph();
    }

    @Override
    public void fit(DataSet data) {
        fit(data.getFeatures(), data.getLabels());
    }

    @Override
    public void fit(DataSetIterator iter) {
        while (iter.hasNext()) {
            fit(iter.next());
        }
    }

    @Override
    public void fit(INDArray examples, int[] labels) {
        fit(examples, FeatureUtil.toOutcomeMatrix(labels, numLabels()));
    }

    @Override
    public double f1Score(INDArray examples, INDArray labels) {
        throw trainThroughTheGraph();
    }

    @Override
    public double f1Score(DataSet data) {
        return f1Score(data.getFeatures(), data.getLabels());
    }

    @Override
    public List<String> predict(DataSet dataSet) {
        throw trainThroughTheGraph();
    }
}
