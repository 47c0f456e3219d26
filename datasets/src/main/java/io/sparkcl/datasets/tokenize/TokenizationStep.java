package io.sparkcl.datasets.tokenize;

import io.sparkcl.datasets.DatasetSchema;
import io.sparkcl.datasets.dualcl.LabelAwareInput;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Tokenisation as a DataFrame step, run on the executors: each partition gets the JVM's shared tokenizer
 * ({@link Tokenizers#load}) built from the serialisable {@link TokenizerSpec}. Adds the columns
 * <ul>
 *   <li>{@code input_ids}, {@code attention_mask}, {@code token_type_ids} (array&lt;int&gt;, unpadded, at most
 *       {@code maxLength} long);</li>
 *   <li>{@code label_positions} (array&lt;array&lt;int&gt;&gt;): for DualCL inputs (rows with the
 *       {@link LabelAwareInput} columns), element k holds the token positions of label id k's name, whatever
 *       order the names had in this row's input; null for plain inputs;</li>
 *   <li>{@code truncated} (boolean): the text was cut to fit {@code maxLength}.</li>
 * </ul>
 * The result is persisted (memory and disk); {@link TokenizedData#truncatedRows()} counts the truncated rows.
 */
public final class TokenizationStep {
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String LABEL_POSITIONS = "label_positions";
    public static final String TRUNCATED = "truncated";
    private static final int BATCH = 64;
    private static final Logger LOG = LoggerFactory.getLogger(TokenizationStep.class);

    private final TokenizerSpec spec;
    private final int maxLength;

    public TokenizationStep(TokenizerSpec spec, int maxLength) {
        if (maxLength < 8) {
            throw new IllegalArgumentException("--max-length must be at least 8, got " + maxLength);
        }
        this.spec = spec;
        this.maxLength = maxLength;
    }

    public TokenizedData apply(Dataset<Row> data) {
        StructType in = data.schema();
        boolean dualcl = Arrays.asList(in.fieldNames()).contains(LabelAwareInput.LABEL_NAMES);
        StructType out = in
                .add(INPUT_IDS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add(ATTENTION_MASK, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add(TOKEN_TYPE_IDS, DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                .add(LABEL_POSITIONS, DataTypes.createArrayType(
                        DataTypes.createArrayType(DataTypes.IntegerType, false), false), true)
                .add(TRUNCATED, DataTypes.BooleanType, false);
        PartitionTokenizer fn = new PartitionTokenizer(spec, maxLength, dualcl,
                in.fieldIndex(DatasetSchema.TEXT), in.fieldIndex(DatasetSchema.TEXT_PAIR),
                dualcl ? in.fieldIndex(LabelAwareInput.LABEL_NAMES) : -1,
                dualcl ? in.fieldIndex(LabelAwareInput.LABEL_ORDER) : -1);
        JavaRDD<Row> rows = data.javaRDD().mapPartitions(fn);
        Dataset<Row> tokenized = data.sparkSession().createDataFrame(rows, out).persist(StorageLevel.MEMORY_AND_DISK());
        Row counts = tokenized.agg(functions.count(functions.lit(1)),
                functions.sum(functions.col(TRUNCATED).cast("long"))).first();
        long n = counts.getLong(0);
        long truncated = counts.isNullAt(1) ? 0 : counts.getLong(1);
        if (truncated > 0) {
            LOG.warn("{} of {} rows were truncated to --max-length {}", truncated, n, maxLength);
        }
        int pad;
        try (TextTokenizer t = Tokenizers.load(spec)) {
            pad = t.padTokenId();
        }
        return new TokenizedData(tokenized, n, truncated, pad);
    }

    /** Executor side: tokenises one partition in batches with the JVM's shared tokenizer. */
    private static final class PartitionTokenizer implements FlatMapFunction<Iterator<Row>, Row> {
        private final TokenizerSpec spec;
        private final int maxLength;
        private final boolean dualcl;
        private final int textIndex;
        private final int pairIndex;
        private final int namesIndex;
        private final int orderIndex;

        PartitionTokenizer(TokenizerSpec spec, int maxLength, boolean dualcl, int textIndex, int pairIndex,
                           int namesIndex, int orderIndex) {
            this.spec = spec;
            this.maxLength = maxLength;
            this.dualcl = dualcl;
            this.textIndex = textIndex;
            this.pairIndex = pairIndex;
            this.namesIndex = namesIndex;
            this.orderIndex = orderIndex;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            TextTokenizer tokenizer = Tokenizers.load(spec); // shared per JVM; closing it is a no-op
            return new Iterator<>() {
                private final List<Row> pending = new ArrayList<>();
                private int next;

                @Override
                public boolean hasNext() {
                    if (next < pending.size()) {
                        return true;
                    }
                    pending.clear();
                    next = 0;
                    List<Row> batch = new ArrayList<>(BATCH);
                    while (batch.size() < BATCH && rows.hasNext()) {
                        batch.add(rows.next());
                    }
                    if (!batch.isEmpty()) {
                        pending.addAll(tokenize(tokenizer, batch));
                    }
                    return !pending.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return pending.get(next++);
                }
            };
        }

        private List<Row> tokenize(TextTokenizer tokenizer, List<Row> batch) {
            List<Row> out = new ArrayList<>(batch.size());
            if (!dualcl) {
                List<String> texts = new ArrayList<>(batch.size());
                List<String> pairs = new ArrayList<>(batch.size());
                boolean anyPair = false;
                for (Row r : batch) {
                    texts.add(r.getString(textIndex));
                    String pair = r.isNullAt(pairIndex) ? null : r.getString(pairIndex);
                    anyPair |= pair != null;
                    pairs.add(pair);
                }
                List<Encoding> enc = tokenizer.encodeBatch(texts, anyPair ? pairs : null, maxLength);
                for (int i = 0; i < batch.size(); i++) {
                    out.add(withEncoding(batch.get(i), enc.get(i), null));
                }
                return out;
            }
            for (Row r : batch) {
                List<String> names = r.getList(namesIndex);
                List<Integer> order = r.getList(orderIndex);
                String pair = r.isNullAt(pairIndex) ? null : r.getString(pairIndex);
                Encoding e = tokenizer.encodeWithLabels(names, r.getString(textIndex), pair, maxLength);
                int[][] byInputPosition = e.labelPositions();
                if (byInputPosition == null || byInputPosition.length != names.size()) {
                    throw new IllegalStateException("tokenizer " + spec.modelName() + " returned "
                            + (byInputPosition == null ? "no" : byInputPosition.length) + " label position lists for "
                            + names.size() + " labels");
                }
                // Input position j shows label id order[j]: store positions by label id.
                int[][] byLabelId = new int[names.size()][];
                for (int j = 0; j < names.size(); j++) {
                    byLabelId[order.get(j)] = byInputPosition[j];
                }
                out.add(withEncoding(r, e, byLabelId));
            }
            return out;
        }

        private static Row withEncoding(Row r, Encoding e, int[][] labelPositions) {
            Object[] values = new Object[r.size() + 5];
            for (int i = 0; i < r.size(); i++) {
                values[i] = r.get(i);
            }
            values[r.size()] = seq(e.inputIds());
            values[r.size() + 1] = seq(e.attentionMask());
            values[r.size() + 2] = seq(e.tokenTypeIds());
            if (labelPositions != null) {
                List<Seq<Integer>> nested = new ArrayList<>(labelPositions.length);
                for (int[] p : labelPositions) {
                    nested.add(seq(p));
                }
                values[r.size() + 3] = JavaConverters.asScalaBuffer(nested).toSeq();
            }
            values[r.size() + 4] = e.truncated();
            return RowFactory.create(values);
        }

        private static Seq<Integer> seq(int[] a) {
            List<Integer> list = new ArrayList<>(a.length);
            for (int v : a) {
                list.add(v);
            }
            return JavaConverters.asScalaBuffer(list).toSeq();
        }
    }
}
