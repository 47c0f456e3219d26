package io.sparkcl.job.shared;

import io.sparkcl.model.encoder.BertParameters;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder's parameters as ONE DL4J parameter, {@value #PARAM}: DL4J's view of it is the encoder's flat
 * vector in {@link BertParameters}' layout, so the updater, the gradient sharing and checkpoints all see
 * the same numbers the encoder computes with.
 */
public final class EncoderParamInitializer implements ParamInitializer {
    public static final String PARAM = "encoder";
    static final EncoderParamInitializer INSTANCE = new EncoderParamInitializer();

    private EncoderParamInitializer() {
    }

    private static EncoderObjectiveLayer layer(Layer l) {
        if (!(l instanceof EncoderObjectiveLayer e)) {
            throw new IllegalArgumentException("EncoderParamInitializer serves EncoderObjectiveLayer, not " + l);
        }
        return e;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer l) {
        return layer(l).numParams();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.of(PARAM);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(PARAM);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return PARAM.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    /** With {@code initializeParams}: BERT's random initialisation from the run seed (callers usually load weights after). */
    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        EncoderObjectiveLayer l = layer(conf.getLayer());
        if (initializeParams) {
            INDArray init = BertParameters.randomInit(l.encoderConfig(), l.numLabels(), l.seed(), DataType.FLOAT).flat();
            paramsView.assign(init.reshape(paramsView.shape()));
        }
        return table(paramsView);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return table(gradientView);
    }

    private static Map<String, INDArray> table(INDArray view) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(PARAM, view);
        return m;
    }
}
