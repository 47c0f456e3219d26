package io.sparkcl.datasets.read;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/** The {@link FieldKind} of a Parquet column's Spark type. */
final class ParquetKinds {
    private ParquetKinds() {
    }

    static FieldKind of(DataType t) {
        if (t instanceof StringType) {
            return FieldKind.STRING;
        }
        if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType) {
            return FieldKind.INTEGER;
        }
        if (t instanceof FloatType || t instanceof DoubleType || t instanceof DecimalType) {
            return FieldKind.DECIMAL;
        }
        if (t instanceof BooleanType) {
            return FieldKind.BOOLEAN;
        }
        if (t instanceof BinaryType) {
            return FieldKind.BINARY;
        }
        if (t instanceof ArrayType) {
            return FieldKind.ARRAY;
        }
        if (t instanceof StructType || t instanceof MapType) {
            return FieldKind.OBJECT;
        }
        return FieldKind.OTHER;
    }
}
