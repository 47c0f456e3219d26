package io.sparkcl.model.registry;

import io.sparkcl.model.encoder.BertConfig;
import io.sparkcl.model.encoder.BertParameters;
import io.sparkcl.model.encoder.Pooling;
import io.sparkcl.model.tokenizer.TokenizerSpec;

/**
 * A loaded pre-trained encoder: its configuration, a fresh copy of its parameters (with a linear head of
 * {@code numLabels} classes, randomly initialised unless the checkpoint had one of that size), and the
 * recipe for its tokenizer.
 *
 * @param name            the registry name or the folder it was loaded from
 * @param suggestedPooling the pooling the checkpoint was trained with (MiniLM/e5: mean; bge, BERT: [CLS])
 * @param source          the file the weights came from (for logs)
 */
public record PretrainedModel(String name, BertConfig config, BertParameters parameters, TokenizerSpec tokenizerSpec,
                              Pooling suggestedPooling, String source) {
}
