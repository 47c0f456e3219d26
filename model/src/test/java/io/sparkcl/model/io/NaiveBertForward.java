package io.sparkcl.model.io;

import io.sparkcl.model.encoder.BertConfig;

import java.util.Map;

/**
 * A deliberately plain BERT/RoBERTa forward pass in double precision over the float arrays of HuggingFace
 * named tensors, written from the model definition (HuggingFace modeling_bert.py / modeling_roberta.py),
 * independent of the encoder under test: loops, no ND4J.
 */
final class NaiveBertForward {

    private final BertConfig cfg;
    private final Map<String, FloatTensor> w;

    NaiveBertForward(BertConfig cfg, Map<String, FloatTensor> tensorsWithoutPrefix) {
        this.cfg = cfg;
        this.w = tensorsWithoutPrefix;
    }

    /** Final hidden states [T][d] of one row (padding included, as HuggingFace computes them). */
    double[][] hidden(int[] ids, int[] mask, int[] types) {
        int t = ids.length;
        int d = cfg.hiddenSize();
        double[][] x = new double[t][d];
        int count = 0;
        for (int j = 0; j < t; j++) {
            int pos;
            if (cfg.architecture().equals("roberta")) {
                // create_position_ids_from_input_ids: cumsum of non-padding tokens, offset by padding_idx
                pos = ids[j] == cfg.padTokenId() ? cfg.padTokenId() : cfg.padTokenId() + (++count);
            } else {
                pos = j;
            }
            for (int k = 0; k < d; k++) {
                x[j][k] = get("embeddings.word_embeddings.weight", ids[j], k)
                        + get("embeddings.position_embeddings.weight", pos, k)
                        + get("embeddings.token_type_embeddings.weight", types[j], k);
            }
            x[j] = layerNorm(x[j], "embeddings.LayerNorm");
        }
        for (int l = 0; l < cfg.numHiddenLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            double[][] q = linear(x, p + "attention.self.query");
            double[][] kk = linear(x, p + "attention.self.key");
            double[][] v = linear(x, p + "attention.self.value");
            int heads = cfg.numAttentionHeads();
            int dh = d / heads;
            double[][] ctx = new double[t][d];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double[] scores = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double s = 0;
                        for (int c = 0; c < dh; c++) {
                            s += q[i][h * dh + c] * kk[j][h * dh + c];
                        }
                        s = s / Math.sqrt(dh) + (mask[j] == 1 ? 0 : -1e30);
                        scores[j] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        scores[j] = Math.exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int c = 0; c < dh; c++) {
                            ctx[i][h * dh + c] += scores[j] / sum * v[j][h * dh + c];
                        }
                    }
                }
            }
            double[][] attn = linear(ctx, p + "attention.output.dense");
            double[][] a = new double[t][];
            for (int j = 0; j < t; j++) {
                a[j] = layerNorm(add(x[j], attn[j]), p + "attention.output.LayerNorm");
            }
            double[][] inter = linear(a, p + "intermediate.dense");
            for (double[] row : inter) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = 0.5 * row[c] * (1 + erf(row[c] / Math.sqrt(2)));
                }
            }
            double[][] out = linear(inter, p + "output.dense");
            for (int j = 0; j < t; j++) {
                x[j] = layerNorm(add(a[j], out[j]), p + "output.LayerNorm");
            }
        }
        return x;
    }

    /** Linear head over the [CLS] state. */
    double[] logits(double[] cls) {
        return linear(new double[][]{cls}, "classifier")[0];
    }

    private double get(String name, int row, int col) {
        FloatTensor t = w.get(name);
        return t.data()[(int) (row * t.shape()[1] + col)];
    }

    /** y = x W^T + b with W [out, in]. */
    private double[][] linear(double[][] x, String module) {
        FloatTensor weight = w.get(module + ".weight");
        FloatTensor bias = w.get(module + ".bias");
        int out = (int) weight.shape()[0];
        int in = (int) weight.shape()[1];
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = bias.data()[o];
                for (int c = 0; c < in; c++) {
                    s += x[i][c] * weight.data()[o * in + c];
                }
                y[i][o] = s;
            }
        }
        return y;
    }

    private double[] layerNorm(double[] v, String module) {
        double mean = 0;
        for (double a : v) {
            mean += a;
        }
        mean /= v.length;
        double var = 0;
        for (double a : v) {
            var += (a - mean) * (a - mean);
        }
        var /= v.length;
        float[] gamma = w.get(module + ".weight").data();
        float[] beta = w.get(module + ".bias").data();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (v[i] - mean) / Math.sqrt(var + cfg.layerNormEps()) * gamma[i] + beta[i];
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    /** erf by Abramowitz–Stegun 7.1.26 is too coarse (1e-7); use a series / continued fraction instead. */
    static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 60; n++) {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // continued fraction for erfc, converges fast for |x| >= 2.5
            double f = 0;
            for (int n = 60; n >= 1; n--) {
                f = n / 2.0 / (ax + f);
            }
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }
}
