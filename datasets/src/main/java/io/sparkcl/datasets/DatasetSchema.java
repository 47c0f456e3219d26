package io.sparkcl.datasets;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one DataFrame schema every reader yields:
 * {@code id, text, text_pair, label, label_id, split}.
 */
public final class DatasetSchema {
    public static final String ID = "id";
    public static final String TEXT = "text";
    public static final String TEXT_PAIR = "text_pair";
    public static final String LABEL = "label";
    public static final String LABEL_ID = "label_id";
    public static final String SPLIT = "split";
    /** Added by label noise: the label before flipping. */
    public static final String LABEL_ORIGINAL = "label_original";

    /** The public schema. {@code label}/{@code label_id} are null only for unlabelled splits (GLUE test). */
    public static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField(ID, DataTypes.StringType, false),
            DataTypes.createStructField(TEXT, DataTypes.StringType, false),
            DataTypes.createStructField(TEXT_PAIR, DataTypes.StringType, true),
            DataTypes.createStructField(LABEL, DataTypes.StringType, true),
            DataTypes.createStructField(LABEL_ID, DataTypes.IntegerType, true),
            DataTypes.createStructField(SPLIT, DataTypes.StringType, false)});

    // Diagnostic columns carried while validating; never part of the public result.
    static final String BAD_REASON = "_bad_reason";
    static final String BAD_DETAIL = "_bad_detail";
    static final String SOURCE_FILE = "_file";
    static final String SOURCE_ROW = "_row";
    static final String RAW = "_raw";
    static final String RAW_BASE64 = "_raw_base64";

    /** Public columns (all nullable here, since bad rows lack some) plus diagnostics. */
    public static final StructType VALIDATION_SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField(ID, DataTypes.StringType, true),
            DataTypes.createStructField(TEXT, DataTypes.StringType, true),
            DataTypes.createStructField(TEXT_PAIR, DataTypes.StringType, true),
            DataTypes.createStructField(LABEL, DataTypes.StringType, true),
            DataTypes.createStructField(LABEL_ID, DataTypes.IntegerType, true),
            DataTypes.createStructField(SPLIT, DataTypes.StringType, true),
            DataTypes.createStructField(BAD_REASON, DataTypes.StringType, true),
            DataTypes.createStructField(BAD_DETAIL, DataTypes.StringType, true),
            DataTypes.createStructField(SOURCE_FILE, DataTypes.StringType, true),
            DataTypes.createStructField(SOURCE_ROW, DataTypes.LongType, true),
            DataTypes.createStructField(RAW, DataTypes.StringType, true),
            DataTypes.createStructField(RAW_BASE64, DataTypes.StringType, true)});

    public static String badReasonColumn() { return BAD_REASON; }
    public static String badDetailColumn() { return BAD_DETAIL; }
    public static String sourceFileColumn() { return SOURCE_FILE; }
    public static String sourceRowColumn() { return SOURCE_ROW; }
    public static String rawColumn() { return RAW; }
    public static String rawBase64Column() { return RAW_BASE64; }

    private DatasetSchema() {
    }
}
