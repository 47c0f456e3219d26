package io.sparkcl.job.train;

import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.JavaRDD;

import java.util.List;
import java.util.Map;

/**
 * The tokenised splits as cached RDDs of compact rows. Training rows are numbered 0..n-1 (global row index);
 * {@code trainLabels[i]} is the label of row i (kept on the driver: the contrastive term needs the batch's labels).
 *
 * @param dev    null when the dataset has no dev split
 * @param test   null when the dataset has no labelled test split
 * @param report rows per split, quarantined and truncated rows, … (written to the run folder's data.json)
 */
public record TrainingData(JavaRDD<TrainingRow> train, JavaRDD<TrainingRow> dev, JavaRDD<TrainingRow> test,
                           List<String> labels, int[] trainLabels, int padId, Map<String, Object> report) {

    public int numTrain() {
        return trainLabels.length;
    }
}
