package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DualCL's classifier: logits_ik = z_i·θ_i^k (unnormalised), then {@link CrossEntropyLoss}.
 * Gradients: dz_i = Σ_k g_ik θ_i^k, dθ_i^k = g_ik z_i, with g = dvalue/dlogits. Thread-safe.
 */
public final class DualClassifierLoss {
    private final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();

    /** logits_ik = z_i·θ_i^k, [N,K] (no validation beyond shapes; for inference). */
    public static INDArray logits(INDArray cls, INDArray labelFeatures) {
        DualContrastiveLoss.checkShapes(cls, labelFeatures);
        long n = cls.size(0);
        long d = cls.size(1);
        long k = labelFeatures.size(1);
        return Nd4j.matmul(labelFeatures, cls.reshape(n, d, 1)).reshape(n, k);
    }

    public DualClassifierResult compute(INDArray cls, INDArray labelFeatures, INDArray labels, double normalizer) {
        Checks.floating(cls, "cls", 2);
        Checks.floating(labelFeatures, "labelFeatures", 3);
        Checks.sameType(cls, "cls", labelFeatures, "labelFeatures");
        long n = cls.size(0);
        long d = cls.size(1);
        long k = labelFeatures.size(1);
        INDArray logits = logits(cls, labelFeatures);
        CrossEntropyResult ce = crossEntropy.compute(logits, labels, normalizer);
        INDArray g = ce.gradLogits();
        INDArray gradCls = Nd4j.matmul(g.reshape(n, 1, k), labelFeatures).reshape(n, d);
        INDArray gradTheta = Nd4j.matmul(g.reshape(n, k, 1), cls.reshape(n, 1, d));
        return new DualClassifierResult(ce.value(), logits, gradCls, gradTheta);
    }

    /** Mean over the rows (normalizer = N). */
    public DualClassifierResult compute(INDArray cls, INDArray labelFeatures, INDArray labels) {
        return compute(cls, labelFeatures, labels, cls == null ? 1 : cls.size(0));
    }
}
