package io.sparkcl.datasets.tokenize;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Tokenised rows (persisted) and how many of them were cut to the maximum length.
 *
 * @param padTokenId the tokenizer's padding id, for the batcher that pads rows to a common length
 */
public record TokenizedData(Dataset<Row> data, long rows, long truncatedRows, int padTokenId) {
}
