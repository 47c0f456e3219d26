package io.sparkcl.job.train.exec;

import io.sparkcl.job.gpu.GpuBinding;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.Pooling;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread cache of the encoder on an executor, so a task does not rebuild the model every step: the
 * object is kept and the broadcast parameters are copied into it when their version changes. It holds
 * nothing a task result depends on besides (spec, parameters), so a retried or duplicated task computes
 * the same thing. Per thread (not per JVM) because concurrent tasks in one executor must not share the
 * parameter buffer while it is being overwritten.
 */
public final class ExecutorModels {
    private static final ThreadLocal<Entry> CACHE = new ThreadLocal<>();

    private record Entry(ModelSpec spec, long version, BertParameters params, BertEncoderModel model) {
    }

    private ExecutorModels() {
    }

    public static BertEncoderModel get(ModelSpec spec, long paramsVersion, float[] flatParams) {
        GpuBinding.bindTaskThread();
        Entry e = CACHE.get();
        if (e != null && e.spec.equals(spec) && e.version == paramsVersion) {
            return e.model;
        }
        BertParameters params;
        BertEncoderModel model;
        if (e != null && e.spec.equals(spec)) {
            params = e.params;
            model = e.model;
        } else {
            CACHE.remove();
            params = BertParameters.randomInit(spec.config(), spec.numLabels(), 0L, DataType.FLOAT);
            model = new BertEncoderModel(params, pooling(spec.pooling()));
        }
        if (params.flat().length() != flatParams.length) {
            throw new IllegalStateException("broadcast parameters have " + flatParams.length + " values, the model "
                    + spec.config() + " with " + spec.numLabels() + " labels needs " + params.flat().length());
        }
        params.flat().assign(Nd4j.createFromArray(flatParams).reshape(params.flat().shape()));
        CACHE.set(new Entry(spec, paramsVersion, params, model));
        return model;
    }

    public static Pooling pooling(String name) {
        return switch (name) {
            case "cls" -> Pooling.CLS;
            case "mean" -> Pooling.MEAN;
            default -> throw new IllegalArgumentException("unknown pooling '" + name + "' (cls or mean)");
        };
    }
}
