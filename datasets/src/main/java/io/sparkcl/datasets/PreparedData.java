package io.sparkcl.datasets;

import io.sparkcl.datasets.quarantine.QuarantineReport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;
import java.util.Map;

/**
 * Validated, sampled data ready for the DualCL input step and tokenisation.
 *
 * @param name        dataset name used in ids and reports
 * @param train       the training split after few-shot/fraction sampling and label noise
 *                    ({@code label_original} present when label noise was requested)
 * @param evaluation  labelled evaluation splits by role, "dev" (the registry's dev, dev_matched or validation
 *                    split, or the user's dev file; with a dev-split rule, rows carved from training when needed)
 *                    and "test"; unlabelled splits (GLUE test) are left out
 * @param labels      label order: label id = index
 * @param labelNames  words shown for each label in DualCL inputs (same order as labels)
 * @param quarantine  bad rows of every split read, for the run report
 * @param splits      where the dev and test splits come from ({@link io.sparkcl.datasets.sampling.DevSplit#assign}'s
 *                    report; empty when the request has no dev-split rule)
 */
public record PreparedData(String name, Dataset<Row> train, Map<String, Dataset<Row>> evaluation,
                           List<String> labels, List<String> labelNames, QuarantineReport quarantine,
                           Map<String, Object> splits) {

    /** The dev split, or null. */
    public Dataset<Row> dev() {
        return evaluation.get("dev");
    }

    /** The labelled test split, or null. */
    public Dataset<Row> test() {
        return evaluation.get("test");
    }
}
