package io.sparkcl.job.train;

import io.sparkcl.job.train.data.TrainingRow;
import org.apache.spark.api.java.JavaRDD;

import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The tokenised splits as cached RDDs of compact rows. Training rows are numbered 0..n-1 (global row index);
 * {@code trainLabels[i]} is the label of row i (kept on the driver: the contrastive term needs the batch's labels).
 *
 * @param dev    null when the dataset has no dev split
 * @param test   null when the dataset has no labelled test split
 * @param report rows per split, quarantined and truncated rows, … (written to the run folder's data.json)
 * @param trainForEpoch null, or the training rows of a given epoch when they change per epoch (DualCL shuffles
 *                      the label names in front of each text per epoch); same row indices and labels every epoch
 */
public record TrainingData(JavaRDD<TrainingRow> train, JavaRDD<TrainingRow> dev, JavaRDD<TrainingRow> test,
                           List<String> labels, int[] trainLabels, int padId, Map<String, Object> report,
                           IntFunction<JavaRDD<TrainingRow>> trainForEpoch) {

    public TrainingData(JavaRDD<TrainingRow> train, JavaRDD<TrainingRow> dev, JavaRDD<TrainingRow> test,
                        List<String> labels, int[] trainLabels, int padId, Map<String, Object> report) {
        this(train, dev, test, labels, trainLabels, padId, report, null);
    }

    /** The cached training rows of {@code epoch}. */
    public JavaRDD<TrainingRow> trainRows(int epoch) {
        return trainForEpoch == null ? train : trainForEpoch.apply(epoch);
    }

    public int numTrain() {
        return trainLabels.length;
    }
}
