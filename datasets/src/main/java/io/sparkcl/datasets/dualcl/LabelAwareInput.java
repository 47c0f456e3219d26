package io.sparkcl.datasets.dualcl;

import io.sparkcl.datasets.DatasetSchema;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * DualCL label-aware input (Chen et al. 2022): the K label names go in front of the text,
 * {@code [CLS] l_1 … l_K [SEP] text [SEP]}. Adds two columns:
 * <ul>
 *   <li>{@code label_names} (array&lt;string&gt;): the display names in input order;</li>
 *   <li>{@code label_order} (array&lt;int&gt;): {@code label_order[j]} = label id of the name at position j,
 *       so label-token positions found by the tokenizer map back to label ids.</li>
 * </ul>
 * At training time the order is a permutation drawn from (seed, id, epoch); at evaluation it is the dataset's
 * label order.
 */
public final class LabelAwareInput {
    public static final String LABEL_NAMES = "label_names";
    public static final String LABEL_ORDER = "label_order";

    private LabelAwareInput() {
    }

    /** Display names: {@code overrides.get(label)} where given, else the dataset's label names. */
    public static List<String> displayNames(List<String> labelNames, List<String> labels, Map<String, String> overrides) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String o = overrides == null ? null : overrides.get(labels.get(i));
            String name = o != null ? o : labelNames.get(i);
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("empty display name for label '" + labels.get(i) + "'");
            }
            out.add(name);
        }
        return out;
    }

    /** Per-example shuffled label order, seeded by (seed, id, epoch). */
    public static Dataset<Row> forTraining(Dataset<Row> data, List<String> displayNames, long seed, int epoch) {
        return addColumns(data, displayNames, true, seed, epoch);
    }

    /** The dataset's label order for every example. */
    public static Dataset<Row> forEvaluation(Dataset<Row> data, List<String> displayNames) {
        return addColumns(data, displayNames, false, 0, 0);
    }

    /** The permutation used for one example: position j holds label id {@code result[j]}. */
    public static int[] permutation(int k, long seed, String id, int epoch) {
        SplittableRandom rnd = new SplittableRandom(mix(mix(seed, fnv64(id)), epoch));
        int[] p = new int[k];
        for (int i = 0; i < k; i++) {
            p[i] = i;
        }
        for (int i = k - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static Dataset<Row> addColumns(Dataset<Row> data, List<String> displayNames, boolean shuffle,
                                           long seed, int epoch) {
        List<String> names = List.copyOf(displayNames);
        int idIndex = data.schema().fieldIndex(DatasetSchema.ID);
        StructType schema = data.schema()
                .add(LABEL_NAMES, DataTypes.createArrayType(DataTypes.StringType, false), false)
                .add(LABEL_ORDER, DataTypes.createArrayType(DataTypes.IntegerType, false), false);
        JavaRDD<Row> rows = data.javaRDD().map(row -> {
            int k = names.size();
            int[] order;
            if (shuffle) {
                order = permutation(k, seed, row.getString(idIndex), epoch);
            } else {
                order = new int[k];
                for (int i = 0; i < k; i++) {
                    order[i] = i;
                }
            }
            String[] inputNames = new String[k];
            Integer[] boxed = new Integer[k];
            for (int j = 0; j < k; j++) {
                inputNames[j] = names.get(order[j]);
                boxed[j] = order[j];
            }
            Object[] values = new Object[row.size() + 2];
            for (int i = 0; i < row.size(); i++) {
                values[i] = row.get(i);
            }
            values[row.size()] = scala.collection.JavaConverters.asScalaBuffer(List.of(inputNames)).toSeq();
            values[row.size() + 1] = scala.collection.JavaConverters.asScalaBuffer(List.of(boxed)).toSeq();
            return RowFactory.create(values);
        });
        return data.sparkSession().createDataFrame(rows, schema);
    }

    private static long fnv64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64-style combination of two values. */
    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
