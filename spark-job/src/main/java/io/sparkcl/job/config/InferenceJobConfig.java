package io.sparkcl.job.config;

import org.apache.hadoop.conf.Configuration;

/** The configuration of a command that reads one input with a fine-tuned model: evaluate and predict. */
public interface InferenceJobConfig {
    /** What is read, and how. */
    InferenceInput input();

    String master();

    /** Checks what needs the file system or the registry; creates the output folder where one is needed. */
    InferenceJobConfig validate(DatasetCatalog catalog, Configuration conf);
}
