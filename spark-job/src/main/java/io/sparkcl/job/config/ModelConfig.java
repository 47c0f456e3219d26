package io.sparkcl.job.config;

import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.encoder.Pooling;

import java.io.Serializable;

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
}
