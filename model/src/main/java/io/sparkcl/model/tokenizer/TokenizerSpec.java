package io.sparkcl.model.tokenizer;

import java.io.Serializable;

/**
 * A serialisable recipe for a tokenizer (sent to Spark executors, which build the tokenizer locally).
 *
 * @param modelName a model-registry name ("all-minilm-l6-v2", "tiny-random", …) or a local folder path
 *                  with {@code tokenizer.json} or {@code vocab.txt}
 */
public record TokenizerSpec(String modelName) implements Serializable {
}
