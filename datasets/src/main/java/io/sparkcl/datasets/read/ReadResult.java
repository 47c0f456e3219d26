package io.sparkcl.datasets.read;

import io.sparkcl.datasets.quarantine.SplitQuarantine;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * A validated split: the good rows in {@link io.sparkcl.datasets.DatasetSchema#SCHEMA}, the labels (label id =
 * index) and the bad-row report. {@link #unpersist()} releases the validation cache once the data is used.
 */
public record ReadResult(Dataset<Row> data, List<String> labels, SplitQuarantine quarantine,
                         Dataset<Row> validated) {

    public ReadResult {
        labels = List.copyOf(labels);
    }

    public void unpersist() {
        validated.unpersist();
    }
}
