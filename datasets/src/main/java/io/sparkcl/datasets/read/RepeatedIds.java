package io.sparkcl.datasets.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.datasets.DatasetSchema;
import io.sparkcl.datasets.quarantine.BadRowReason;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

import java.util.HashMap;
import java.util.Map;

/**
 * Ids taken from a source's id column must be unique: jobs join on them (predict writes one row per id). The
 * first row with an id (by file, then row) keeps it; every later row with the same id is quarantined as
 * {@link BadRowReason#DUPLICATE_ID}. Rows keep their order, so reading order survives.
 */
final class RepeatedIds {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RepeatedIds() {
    }

    /** {@code validated} with repeated ids marked bad; the input is unpersisted when a new frame is returned. */
    static Dataset<Row> quarantine(Dataset<Row> validated) {
        String file = DatasetSchema.sourceFileColumn();
        String row = DatasetSchema.sourceRowColumn();
        // Normally empty, so this collects nothing: only ids that repeat, with where they first appear.
        Map<String, String> firstSeen = new HashMap<>();
        for (Row r : validated.filter(functions.col(DatasetSchema.badReasonColumn()).isNull())
                .groupBy(DatasetSchema.ID)
                .agg(functions.count("*").as("n"), functions.min(functions.struct(file, row)).as("first"))
                .filter(functions.col("n").gt(1)).collectAsList()) {
            Row first = r.getStruct(2);
            firstSeen.put(r.getString(0), location(first.getString(0), first.getLong(1)));
        }
        if (firstSeen.isEmpty()) {
            return validated;
        }
        SparkSession spark = validated.sparkSession();
        Broadcast<Map<String, String>> first = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(firstSeen);
        org.apache.spark.sql.types.StructType schema = validated.schema();
        int idIndex = schema.fieldIndex(DatasetSchema.ID);
        int reasonIndex = schema.fieldIndex(DatasetSchema.badReasonColumn());
        int detailIndex = schema.fieldIndex(DatasetSchema.badDetailColumn());
        int fileIndex = schema.fieldIndex(file);
        int rowIndex = schema.fieldIndex(row);
        int rawIndex = schema.fieldIndex(DatasetSchema.rawColumn());
        int[] emptied = java.util.Arrays.stream(DatasetSchema.SCHEMA.fieldNames())
                .filter(c -> !c.equals(DatasetSchema.SPLIT)).mapToInt(schema::fieldIndex).toArray();
        JavaRDD<Row> marked = validated.javaRDD().map(r -> {
            if (!r.isNullAt(reasonIndex)) {
                return r;
            }
            String id = r.getString(idIndex);
            String where = first.value().get(id);
            if (where == null || where.equals(location(r.getString(fileIndex), r.getLong(rowIndex)))) {
                return r;
            }
            // The bad-row form: public columns emptied; a good row carries no raw line, so the quarantine gets
            // the columns as read instead.
            Object[] values = new Object[r.length()];
            Map<String, Object> asRead = new java.util.LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                values[i] = r.get(i);
            }
            for (int i : emptied) {
                if (values[i] != null) {
                    asRead.put(schema.fieldNames()[i], values[i]);
                }
                values[i] = null;
            }
            values[rawIndex] = JSON.writeValueAsString(asRead);
            values[reasonIndex] = BadRowReason.DUPLICATE_ID.code();
            values[detailIndex] = "id '" + id + "' is already the id of " + where;
            return RowFactory.create(values);
        });
        Dataset<Row> out = spark.createDataFrame(marked, validated.schema()).persist(StorageLevel.MEMORY_AND_DISK());
        out.count();
        validated.unpersist();
        return out;
    }

    private static String location(String file, long row) {
        return "row " + row + " of " + file;
    }
}
