package io.sparkcl.job.train;

import io.sparkcl.job.train.data.TrainingRow;
import io.sparkcl.model.encoder.BertConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random token rows for a tiny encoder (no tokenizer needed). Labels depend on the tokens (the class-k
 * rows use tokens from their own range), so a model can learn them. For DualCL the label "names" are
 * the tokens 3+k at positions 1..K, as a label-aware input would put them.
 */
public final class SyntheticData {
    public static final int PAD = 0;

    private SyntheticData() {
    }

    public static BertConfig tinyConfig(double dropout) {
        return new BertConfig("bert", 60, 16, 2, 2, 32, 40, 2, 1e-12, dropout, dropout, PAD, 0);
    }

    public static List<TrainingRow> rows(int n, int numLabels, boolean dualCl, long seed, long firstIndex) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<TrainingRow> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = rnd.nextInt(numLabels);
            int textLen = 3 + rnd.nextInt(8);
            int prefix = dualCl ? numLabels + 1 : 0;
            int len = 1 + prefix + textLen + 1;
            int[] ids = new int[len];
            int[] mask = new int[len];
            int[] types = new int[len];
            ids[0] = 1; // [CLS]
            int p = 1;
            int[][] labelPositions = null;
            if (dualCl) {
                labelPositions = new int[numLabels][];
                for (int k = 0; k < numLabels; k++) {
                    ids[p] = 3 + k;
                    labelPositions[k] = new int[]{p};
                    p++;
                }
                ids[p++] = 2; // [SEP]
            }
            int base = 10 + label * 15;
            for (int t = 0; t < textLen; t++) {
                ids[p] = rnd.nextInt(4) == 0 ? 10 + rnd.nextInt(45) : base + rnd.nextInt(15);
                types[p] = dualCl ? 1 : 0;
                p++;
            }
            ids[p] = 2;
            types[p] = dualCl ? 1 : 0;
            java.util.Arrays.fill(mask, 1);
            out.add(new TrainingRow(firstIndex + i, "r" + (firstIndex + i), ids, mask, types, labelPositions, label));
        }
        return out;
    }
}
