package io.sparkcl.job.train.exec;

import io.sparkcl.model.encoder.BertConfig;

import java.io.Serializable;

/** What an executor needs to build its (cached) encoder: architecture, head size and pooling; weights come by broadcast. */
public record ModelSpec(BertConfig config, int numLabels, String pooling) implements Serializable {
}
