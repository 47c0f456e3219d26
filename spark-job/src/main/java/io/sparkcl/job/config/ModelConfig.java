package io.sparkcl.job.config;

import io.sparkcl.losses.Method;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.registry.ShippedModel;

import java.io.Serializable;


import static io.sparkcl.job.config.ConfigKey.*;

/**
 * The encoder a run starts from and how it classifies.
 *
 * @param model     registry model name or HuggingFace folder
 * @param head      the classifier the method trains (DualCL's label-aware one, else linear)
 * @param dropout   hidden and attention dropout; negative = the model's own
 * @param maxLength maximum tokens per input (label words included for DualCL)
 */
public record ModelConfig(String model, ClassifierHead head, Pooling pooling, double dropout, int maxLength)
        implements Serializable {

    /**
     * The pooling the pre-trained checkpoint was trained with (registry models: MiniLM and e5 mean, bge [CLS]);
     * [CLS] for a folder or the random model. With MiniLM, [CLS] is a weak starting feature: the README's "Why
     * DualCL was below CE" measures it.
     */
    public static Pooling defaultPooling(String model) {
        return model == null ? Pooling.CLS : ShippedModel.byName(model).map(ShippedModel::pooling).orElse(Pooling.CLS);
    }

    static ModelConfig from(ConfigValues r) {
        return new ModelConfig(r.get(MODEL), ClassifierHead.of(Method.parse(r.get(METHOD))),
                Pooling.parse(r.get(POOLING)), r.get(DROPOUT, -1.0), r.get(MAX_LENGTH));
    }
}
