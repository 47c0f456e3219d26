package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax cross-entropy over logits [N,K], divided by a caller-given normalizer:
 *
 * <pre>
 *   value = Σ_i −log softmax(logits_i)[y_i] / normalizer,   dvalue/dlogits = (softmax − onehot(y)) / normalizer
 * </pre>
 *
 * With normalizer = N this is the batch mean. In distributed training every shard of a global batch of
 * B rows passes normalizer = B, so the shards' values and gradients add up to the global mean.
 * Log-sum-exp with the row maximum subtracted. Thread-safe.
 */
public final class CrossEntropyLoss {

    public CrossEntropyResult compute(INDArray logits, INDArray labels, double normalizer) {
        Checks.floating(logits, "logits", 2);
        Checks.normalizer(normalizer);
        long n = logits.size(0);
        long k = logits.size(1);
        int[] y = ClassLabels.read(labels, n, Math.toIntExact(k));

        INDArray max = logits.max(1).reshape(n, 1);
        INDArray probs = logits.subColumnVector(max);
        Transforms.exp(probs, false);
        INDArray sum = probs.sum(1).reshape(n, 1);
        probs.diviColumnVector(sum);

        double[] maxV = max.toDoubleVector();
        double[] sumV = sum.toDoubleVector();
        double total = 0;
        double[] onehot = new double[Math.toIntExact(n * k)];
        for (int i = 0; i < n; i++) {
            total += maxV[i] + Math.log(sumV[i]) - logits.getDouble(i, y[i]);
            onehot[Math.toIntExact(i * k + y[i])] = 1.0;
        }
        INDArray grad = probs.subi(Nd4j.createFromArray(onehot).castTo(logits.dataType()).reshape(n, k))
                .divi(normalizer);
        return new CrossEntropyResult(total / normalizer, grad);
    }

    /** Mean cross-entropy (normalizer = number of rows). */
    public CrossEntropyResult compute(INDArray logits, INDArray labels) {
        return compute(logits, labels, logits == null ? 1 : logits.size(0));
    }
}
