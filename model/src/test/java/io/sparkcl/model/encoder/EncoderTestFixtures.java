package io.sparkcl.model.encoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Small configurations and batches shared by the encoder tests. */
final class EncoderTestFixtures {
    private EncoderTestFixtures() {
    }

    /** A very small BERT (vocabulary 40, width 8, 2 heads, 2 layers) with substantial dropout. */
    static BertConfig micro() {
        return new BertConfig("bert", 40, 8, 2, 2, 12, 16, 2, 1e-12, 0.2, 0.2, 0, 0);
    }

    /** A micro RoBERTa-style config (position offset 2, one token type, pad id 1). */
    static BertConfig microRoberta() {
        return new BertConfig("roberta", 40, 8, 2, 2, 12, 20, 1, 1e-5, 0.2, 0.2, 1, 2);
    }

    /**
     * n rows of length t; row i has t - i real tokens (padding at the end, id 0), mixed token types, label positions
     * (K = 2: one single-token label, one two-token label) and per-row dropout seeds.
     */
    static EncoderBatch batch(BertConfig cfg, int n, int t, long seed, boolean labels, boolean dropout) {
        Random r = new Random(seed);
        int[][] ids = new int[n][t];
        int[][] mask = new int[n][t];
        int[][] types = new int[n][t];
        int[][][] lp = labels ? new int[n][][] : null;
        long[] seeds = dropout ? new long[n] : null;
        for (int i = 0; i < n; i++) {
            int len = Math.max(4, t - i);
            for (int j = 0; j < t; j++) {
                if (j < len) {
                    ids[i][j] = 2 + r.nextInt(cfg.vocabSize() - 2);
                    mask[i][j] = 1;
                    types[i][j] = cfg.typeVocabSize() > 1 && j >= len / 2 ? 1 : 0;
                } else {
                    ids[i][j] = cfg.padTokenId();
                }
            }
            if (labels) {
                lp[i] = new int[][]{{1}, {2, 3}};
            }
            if (dropout) {
                seeds[i] = r.nextLong();
            }
        }
        return new EncoderBatch(ids, mask, types, lp, seeds);
    }

    static INDArray randn(long seed, DataType dt, long... shape) {
        Random r = new Random(seed);
        long len = 1;
        for (long s : shape) {
            len *= s;
        }
        double[] v = new double[(int) len];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return Nd4j.createFromArray(v).castTo(dt).reshape(shape);
    }
}
