package io.sparkcl.job.train.data;

import java.util.SplittableRandom;

/**
 * The order in which rows are visited: one seeded permutation of the row indices per epoch, computed on
 * the driver. Global step g is step {@code g % stepsPerEpoch} of epoch {@code g / stepsPerEpoch} and takes
 * the B consecutive indices starting at {@code (g % stepsPerEpoch) * B}. The last partial batch of an
 * epoch is dropped (every step has exactly B rows, so the contrastive term always sees B samples and the
 * CE normaliser is constant); the permutation changes every epoch, so no row is always left out.
 */
public final class EpochOrder {
    private final long seed;
    private final int numRows;
    private final int globalBatch;
    private int cachedEpoch = -1;
    private int[] cachedPermutation;

    public EpochOrder(long seed, int numRows, int globalBatch) {
        if (globalBatch <= 0) {
            throw new IllegalArgumentException("global batch must be positive, got " + globalBatch);
        }
        if (numRows < globalBatch) {
            throw new IllegalArgumentException("the training set has " + numRows + " rows, fewer than the global batch "
                    + globalBatch + ": lower --global-batch");
        }
        this.seed = seed;
        this.numRows = numRows;
        this.globalBatch = globalBatch;
    }

    public int stepsPerEpoch() {
        return numRows / globalBatch;
    }

    public int epochOf(long globalStep) {
        return (int) (globalStep / stepsPerEpoch());
    }

    /** Row indices of global step {@code globalStep}, in batch order. */
    public long[] batch(long globalStep) {
        int epoch = epochOf(globalStep);
        int within = (int) (globalStep % stepsPerEpoch());
        int[] perm = permutation(epoch);
        long[] out = new long[globalBatch];
        for (int i = 0; i < globalBatch; i++) {
            out[i] = perm[within * globalBatch + i];
        }
        return out;
    }

    public synchronized int[] permutation(int epoch) {
        if (epoch != cachedEpoch) {
            cachedPermutation = shuffle(numRows, new SplittableRandom(DropoutSeeds.mix(seed * 31 + epoch)));
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }

    private static int[] shuffle(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
