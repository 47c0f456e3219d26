package io.sparkcl.job.ml;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The columns {@link SparkCLModel#transform} adds (Spark ML names, not command-line options): the prediction
 * (a double, Spark ML's convention), the class probabilities (an ML {@code Vector} in the model's label order)
 * and, when {@code pooledFeatureCol} is not empty, the pooled sentence feature z (an ML {@code Vector}).
 */
final class OutputColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    final Param<String> pooledFeatureCol;

    OutputColumns(Params owner) {
        String uid = owner.uid();
        predictionCol = new Param<>(uid, "predictionCol", "Output column of the predicted class: the label as a "
                + "number when every label is a number, else the class index into the model's labels.");
        probabilityCol = new Param<>(uid, "probabilityCol", "Output column of the class probabilities "
                + "(a Vector in the order of the model's labels).");
        pooledFeatureCol = new Param<>(uid, "pooledFeatureCol", "Output column of the pooled sentence feature "
                + "(a Vector); empty: not added.");
    }

    List<Param<?>> all() {
        return Arrays.asList(predictionCol, probabilityCol, pooledFeatureCol);
    }

    void setDefaults(Params owner) {
        owner.setDefault(predictionCol, "prediction");
        owner.setDefault(probabilityCol, "probability");
        owner.setDefault(pooledFeatureCol, "");
    }

    /** {@code input} plus the output columns; an existing column of the same name is an error. */
    StructType outputSchema(Params owner, StructType input) {
        StructType out = input;
        out = add(out, owner.getOrDefault(predictionCol), true);
        out = add(out, owner.getOrDefault(probabilityCol), false);
        String pooled = owner.getOrDefault(pooledFeatureCol);
        if (!pooled.isEmpty()) {
            out = add(out, pooled, false);
        }
        return out;
    }

    private static StructType add(StructType schema, String name, boolean scalar) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column '" + name + "' already exists in the input "
                    + Arrays.toString(schema.fieldNames()));
        }
        return schema.add(name, scalar ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
    }
}
