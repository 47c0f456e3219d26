package io.sparkcl.job.train;

import io.sparkcl.model.encoder.BertConfig;

/** The model a run starts from: architecture (with the run's dropout), number of labels, initial flat parameters. */
public record ModelStart(BertConfig config, int numLabels, float[] params) {
}
