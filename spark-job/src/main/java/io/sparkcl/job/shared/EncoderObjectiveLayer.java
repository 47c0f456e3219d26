package io.sparkcl.job.shared;

import io.sparkcl.losses.Method;
import io.sparkcl.losses.Objective;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.Pooling;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;

/**
 * Configuration of the one DL4J layer that shared mode trains: the project's BERT encoder
 * ({@link io.sparkcl.model.encoder.BertEncoderModel}, one flat parameter vector in
 * {@link BertParameters}' layout) followed by the losses module's {@link Objective} over the
 * minibatch, as a DL4J output layer. Its input is {@link RowFeatures}' matrix, its labels one-hot.
 *
 * <p>DL4J ships this configuration to the executors as JSON, so it holds only plain fields (the
 * encoder's sizes, the pooling, the objective's method, λ and τ; enums as their names) with a no-argument
 * constructor for Jackson.
 */
public final class EncoderObjectiveLayer extends BaseLayer {
    private String architecture;
    private int vocabSize;
    private int hiddenSize;
    private int numHiddenLayers;
    private int numAttentionHeads;
    private int intermediateSize;
    private int maxPositionEmbeddings;
    private int typeVocabSize;
    private double layerNormEps;
    private double hiddenDropout;
    private double attentionDropout;
    private int padTokenId;
    private int positionOffset;
    private int numLabels;
    private Pooling pooling;
    private Method method;
    private double lambda;
    private double tau;
    private long seed;
    private int maxLength;
    private int positionsPerLabel;
    private long firstStep;

    /** For Jackson. */
    private EncoderObjectiveLayer() {
    }

    /**
     * @param seed     run seed: dropout masks are derived from (seed, iteration, row index)
     * @param features the layout of the input rows
     */
    public EncoderObjectiveLayer(BertConfig encoder, Pooling pooling, Objective objective, long seed,
                                 RowFeatures features) {
        this.architecture = encoder.architecture();
        this.vocabSize = encoder.vocabSize();
        this.hiddenSize = encoder.hiddenSize();
        this.numHiddenLayers = encoder.numHiddenLayers();
        this.numAttentionHeads = encoder.numAttentionHeads();
        this.intermediateSize = encoder.intermediateSize();
        this.maxPositionEmbeddings = encoder.maxPositionEmbeddings();
        this.typeVocabSize = encoder.typeVocabSize();
        this.layerNormEps = encoder.layerNormEps();
        this.hiddenDropout = encoder.hiddenDropout();
        this.attentionDropout = encoder.attentionDropout();
        this.padTokenId = encoder.padTokenId();
        this.positionOffset = encoder.positionOffset();
        this.numLabels = features.numLabels();
        this.pooling = pooling;
        this.method = objective.method();
        this.lambda = objective.lambda();
        this.tau = objective.temperature();
        this.seed = seed;
        this.maxLength = features.maxLength();
        this.positionsPerLabel = features.positionsPerLabel();
        if (objective.needsLabelFeatures() && positionsPerLabel == 0) {
            throw new IllegalArgumentException("DualCL needs rows with label-name positions (label-aware input)");
        }
    }

    public BertConfig encoderConfig() {
        return new BertConfig(architecture, vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads,
                intermediateSize, maxPositionEmbeddings, typeVocabSize, layerNormEps, hiddenDropout, attentionDropout,
                padTokenId, positionOffset);
    }

    public int numLabels() {
        return numLabels;
    }

    public int padTokenId() {
        return padTokenId;
    }

    public Pooling pooling() {
        return pooling;
    }

    public Objective objective() {
        return new Objective(method, lambda, tau);
    }

    public long seed() {
        return seed;
    }

    /** The step the run starts at (a resumed run: the steps already done), for the schedule and dropout. */
    public long firstStep() {
        return firstStep;
    }

    /** This configuration starting at {@code step} (a resumed run). */
    public EncoderObjectiveLayer startingAt(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("first step must be >= 0, got " + step);
        }
        EncoderObjectiveLayer copy = (EncoderObjectiveLayer) clone();
        copy.firstStep = step;
        return copy;
    }

    public RowFeatures rowFeatures() {
        return new RowFeatures(maxLength, numLabels, positionsPerLabel);
    }

    /** Length of the flat parameter vector. */
    public long numParams() {
        return BertParameters.layout(encoderConfig(), numLabels).values().stream()
                .mapToLong(BertParameters.Slot::length).sum();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        if (networkDataType != DataType.FLOAT) {
            throw new IllegalArgumentException("shared mode trains the encoder in FLOAT, not " + networkDataType);
        }
        EncoderObjectiveLayerImpl layer = new EncoderObjectiveLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> table = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return EncoderParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(numLabels);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        // the input width is fixed by RowFeatures
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long n = numParams();
        return new LayerMemoryReport.Builder(layerName, EncoderObjectiveLayer.class, inputType,
                getOutputType(0, inputType)).standardMemory(n, n).workingMemory(0, 0, MemoryReport.CACHE_MODE_ALL_ZEROS,
                MemoryReport.CACHE_MODE_ALL_ZEROS).cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS,
                MemoryReport.CACHE_MODE_ALL_ZEROS).build();
    }
}
