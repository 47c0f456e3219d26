package io.sparkcl.job.train.exec;

import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.Pooling;

import java.io.Serializable;

/**
 * What an executor needs to build its (cached) encoder and score classes: architecture, head size, the
 * classifier head and pooling; weights come by broadcast.
 */
public record ModelSpec(BertConfig config, int numLabels, ClassifierHead head, Pooling pooling) implements Serializable {

    /** Length of the flat parameter array (and of a gradient). */
    public long numParams() {
        return BertParameters.layout(config, numLabels).values().stream().mapToLong(BertParameters.Slot::length).sum();
    }

    /** Where the word-embedding matrix lives in the flat layout (its gradient travels as touched rows). */
    public BertParameters.Slot wordTable() {
        return BertParameters.layout(config, numLabels).get(BertParameters.WORD_EMBEDDINGS);
    }

    /** The spec of a saved fine-tuned model (evaluate, predict). */
    public static ModelSpec of(FineTunedModel model) {
        return new ModelSpec(model.config(), model.labels().size(), model.head(), model.pooling());
    }
}
