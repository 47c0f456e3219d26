package io.sparkcl.job.train.eval;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy, macro-F1 and per-class precision/recall/F1 from a confusion matrix. A class with no
 * predictions has precision 0, with no gold rows recall 0 (and F1 0), as scikit-learn's zero_division=0.
 * Macro-F1 averages over all K classes.
 */
public record EvalMetrics(String split, long rows, double accuracy, double macroF1, List<String> labels,
                          double[] precision, double[] recall, double[] f1, long[][] confusion) implements Serializable {

    public static EvalMetrics of(String split, ConfusionMatrix m, List<String> labels) {
        int k = m.numClasses();
        double[] p = new double[k];
        double[] r = new double[k];
        double[] f = new double[k];
        long correct = 0;
        for (int c = 0; c < k; c++) {
            long tp = m.count(c, c);
            correct += tp;
            long predicted = 0;
            long gold = 0;
            for (int o = 0; o < k; o++) {
                predicted += m.count(o, c);
                gold += m.count(c, o);
            }
            p[c] = predicted == 0 ? 0 : (double) tp / predicted;
            r[c] = gold == 0 ? 0 : (double) tp / gold;
            f[c] = p[c] + r[c] == 0 ? 0 : 2 * p[c] * r[c] / (p[c] + r[c]);
        }
        double macro = 0;
        for (double v : f) {
            macro += v;
        }
        long total = m.total();
        return new EvalMetrics(split, total, total == 0 ? 0 : (double) correct / total, macro / k, labels, p, r, f,
                m.toArray());
    }

    /** JSON-friendly view (eval.jsonl, summary.json). */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("split", split);
        out.put("rows", rows);
        out.put("accuracy", accuracy);
        out.put("macro_f1", macroF1);
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < precision.length; c++) {
            Map<String, Object> pc = new LinkedHashMap<>();
            pc.put("precision", precision[c]);
            pc.put("recall", recall[c]);
            pc.put("f1", f1[c]);
            perClass.put(labels == null ? String.valueOf(c) : labels.get(c), pc);
        }
        out.put("per_class", perClass);
        out.put("confusion", confusion);
        return out;
    }
}
