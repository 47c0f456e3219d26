package io.sparkcl.job.ml;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.job.train.eval.DistributedEvaluator;
import io.sparkcl.model.ClassifierHead;
import io.sparkcl.model.FineTunedModel;
import io.sparkcl.model.tokenizer.Encoding;
import io.sparkcl.model.tokenizer.TextTokenizer;
import io.sparkcl.model.tokenizer.TokenizerSpec;
import io.sparkcl.model.tokenizer.Tokenizers;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Executor side of {@link SparkCLModel#transform}: tokenises each row as the model was trained (DualCL: label
 * names in front, in the model's fixed order), scores chunks of rows with {@link BatchInference} and appends
 * prediction, probability vector and (optionally) the pooled feature to every input row, in input order.
 */
final class ScoreRows implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    /** Rows held at once per task: bounds memory, while each chunk is still scored in eval-batch batches. */
    private static final int CHUNK = 1024;

    private final BatchInference inference;
    private final TokenizerSpec tokenizer;
    private final List<String> labelTexts;
    private final int maxLength;
    private final double[] predictionValues;
    private final int textIndex;
    private final int pairIndex;
    private final boolean withFeature;

    ScoreRows(BatchInference inference, FineTunedModel model, int textIndex, int pairIndex, boolean withFeature) {
        this.inference = inference;
        this.tokenizer = model.tokenizerSpec();
        this.labelTexts = model.head().labelAwareInput() ? List.copyOf(model.labelTexts()) : null;
        this.maxLength = model.maxLength();
        this.predictionValues = predictionValues(model.labels());
        this.textIndex = textIndex;
        this.pairIndex = pairIndex;
        this.withFeature = withFeature;
    }

    /** Spark ML's prediction is a double: the label itself when every label is a number, else the class index. */
    static double[] predictionValues(List<String> labels) {
        double[] v = new double[labels.size()];
        for (int k = 0; k < v.length; k++) {
            try {
                v[k] = Double.parseDouble(labels.get(k));
            } catch (NumberFormatException e) {
                for (int j = 0; j < v.length; j++) {
                    v[j] = j;
                }
                return v;
            }
        }
        return v;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        TextTokenizer tok = Tokenizers.load(tokenizer); // shared per JVM
        return new Iterator<>() {
            private List<Row> done = List.of();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < done.size()) {
                    return true;
                }
                List<Row> chunk = new ArrayList<>(CHUNK);
                while (chunk.size() < CHUNK && input.hasNext()) {
                    chunk.add(input.next());
                }
                done = chunk.isEmpty() ? List.of() : score(tok, chunk);
                next = 0;
                return !done.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return done.get(next++);
            }
        };
    }

    private List<Row> score(TextTokenizer tok, List<Row> rows) {
        List<TrainingRow> encoded = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.isNullAt(textIndex)) {
                throw new IllegalArgumentException("SparkCLModel: null text in column '" + r.schema().fieldNames()[textIndex]
                        + "' of row " + r);
            }
            String pair = pairIndex < 0 || r.isNullAt(pairIndex) ? null : r.getString(pairIndex);
            Encoding e = labelTexts != null ? tok.encodeWithLabels(labelTexts, r.getString(textIndex), pair, maxLength)
                    : tok.encode(r.getString(textIndex), pair, maxLength);
            encoded.add(new TrainingRow(i, null, e.inputIds(), e.attentionMask(), e.tokenTypeIds(), e.labelPositions(),
                    -1));
        }
        List<DistributedEvaluator.Scored> scores = inference.scores(encoded);
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            DistributedEvaluator.Scored s = scores.get(i);
            Object[] values = new Object[r.size() + (withFeature ? 3 : 2)];
            for (int c = 0; c < r.size(); c++) {
                values[c] = r.get(c);
            }
            values[r.size()] = predictionValues[ClassifierHead.argmax(s.probabilities())];
            values[r.size() + 1] = Vectors.dense(toDouble(s.probabilities()));
            if (withFeature) {
                values[r.size() + 2] = Vectors.dense(toDouble(s.pooled()));
            }
            out.add(RowFactory.create(values));
        }
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
