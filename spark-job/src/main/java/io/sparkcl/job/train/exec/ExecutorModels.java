package io.sparkcl.job.train.exec;

import io.sparkcl.job.gpu.GpuBinding;
import io.sparkcl.model.encoder.BertEncoderModel;
import io.sparkcl.model.encoder.BertParameters;
import org.nd4j.linalg.api.buffer.DataType;

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
            params = BertParameters.zeros(spec.config(), spec.numLabels(), DataType.FLOAT);
            model = new BertEncoderModel(params, spec.pooling());
        }
        params.assignFlat(flatParams);
        CACHE.set(new Entry(spec, paramsVersion, params, model));
        return model;
    }
}
