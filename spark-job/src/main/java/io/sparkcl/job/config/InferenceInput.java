package io.sparkcl.job.config;

import io.sparkcl.datasets.read.IdColumn;

/** What evaluate and predict read: a split of a registry dataset, or the user's file, and how to read it. */
public interface InferenceInput {
    /** The fine-tuned model folder (Hadoop or local path). */
    String model();

    String dataset();

    String split();

    String dataDir();

    /** The user's file, or null for split {@link #split()} of the registry dataset {@link #dataset()}. */
    String userFile();

    String format();

    String textColumn();

    String textPairColumn();

    /** Label column of the user's file; null when the input is unlabelled. */
    String labelColumn();

    /** The user file's own row-id column, or null: generated ids (evaluation needs no ids of the user's). */
    default IdColumn idColumn() {
        return null;
    }

    String maxBadRows();

    /** 0 = the length the model was trained with. */
    int maxLength();

    int partitions();
}
