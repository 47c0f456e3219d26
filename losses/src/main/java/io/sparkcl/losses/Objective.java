package io.sparkcl.losses;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training objective built from the configuration (method, λ, τ):
 *
 * <pre>
 *   ce     : CE(logits)
 *   scl    : (1−λ)·CE(logits) + λ·L_scl(features)                 0 ≤ λ ≤ 1
 *   dualcl : CE(z_i·θ_i^k)    + λ·(L_z + L_θ)(features, θ*)        λ ≥ 0
 * </pre>
 *
 * <p>Two ways to evaluate it:
 * <ul>
 *   <li>{@link #compute} – everything on one batch in one call (single-JVM training, tests).</li>
 *   <li>Split, for distributed training of a global batch of B rows: each shard calls
 *       {@link #crossEntropy} on its own rows with normalizer = B (the shards' values and gradients add
 *       up to the weighted global-mean CE); the driver (or every worker) calls {@link #contrastive} once
 *       on the features gathered from the whole global batch and hands each shard its rows of the
 *       gradients. total = Σ_shards crossEntropy.value + contrastive.value; {@link #parts} assembles
 *       the reported parts.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class Objective {
    private final Method method;
    private final double lambda;
    private final double temperature;
    private final int blockRows;
    private final CrossEntropyLoss crossEntropy = new CrossEntropyLoss();
    private final DualClassifierLoss dualClassifier = new DualClassifierLoss();

    public Objective(Method method, double lambda, double temperature) {
        this(method, lambda, temperature, 0);
    }

    /** @param blockRows anchors per block of the contrastive term; ≤ 0 = automatic */
    public Objective(Method method, double lambda, double temperature, int blockRows) {
        if (method == null) {
            throw new IllegalArgumentException("method must not be null");
        }
        if (!Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite, got " + lambda);
        }
        if (method == Method.SCL && (lambda < 0 || lambda > 1)) {
            throw new IllegalArgumentException("lambda for scl must be in [0, 1], got " + lambda);
        }
        if (method == Method.DUALCL && lambda < 0) {
            throw new IllegalArgumentException("lambda for dualcl must be >= 0, got " + lambda);
        }
        this.method = method;
        this.lambda = lambda;
        this.temperature = Checks.temperature(temperature);
        this.blockRows = blockRows;
    }

    public Method method() {
        return method;
    }

    public double lambda() {
        return lambda;
    }

    public double temperature() {
        return temperature;
    }

    /** 1−λ for scl, 1 for ce and dualcl. */
    public double crossEntropyWeight() {
        return method == Method.SCL ? 1 - lambda : 1;
    }

    /** 0 for ce, λ otherwise. */
    public double contrastiveWeight() {
        return method == Method.CE ? 0 : lambda;
    }

    /** Whether the method needs the per-example label features θ [N,K,d]. */
    public boolean needsLabelFeatures() {
        return method == Method.DUALCL;
    }

    /**
     * The contrastive term over a (global) batch, multiplied by {@link #contrastiveWeight()}.
     *
     * @param features      [CLS]/pooled features [N,d] (ignored for ce, may be null then)
     * @param labelFeatures label features [N,K,d] for dualcl, else ignored (may be null)
     * @param labels        class ids [N]
     */
    public ContrastivePart contrastive(INDArray features, INDArray labelFeatures, INDArray labels) {
        double w = contrastiveWeight();
        switch (method) {
            case SCL -> {
                ContrastiveResult r = new SupervisedContrastiveLoss(temperature, blockRows).compute(features, labels);
                return new ContrastivePart(w * r.value(), r.value(), 0, 0, r.gradFeatures().muli(w), null);
            }
            case DUALCL -> {
                Checks.notNull(labelFeatures, "labelFeatures (required by dualcl)");
                DualContrastiveResult r = new DualContrastiveLoss(temperature, blockRows)
                        .compute(features, labelFeatures, labels);
                return new ContrastivePart(w * r.value(), r.value(), r.lz(), r.ltheta(), r.gradCls().muli(w),
                        r.gradLabelFeatures().muli(w));
            }
            default -> {
                return new ContrastivePart(0, 0, 0, 0, null, null);
            }
        }
    }

    /**
     * The cross-entropy term over (a shard of) a batch, multiplied by {@link #crossEntropyWeight()} and
     * divided by {@code normalizer} (the global batch size, so shards add up).
     *
     * @param logits        linear-head logits [n,K] for ce and scl (ignored for dualcl, may be null then)
     * @param features      [CLS] features [n,d] for dualcl (ignored otherwise, may be null)
     * @param labelFeatures label features [n,K,d] for dualcl (ignored otherwise, may be null)
     */
    public CrossEntropyPart crossEntropy(INDArray logits, INDArray features, INDArray labelFeatures,
                                         INDArray labels, double normalizer) {
        double w = crossEntropyWeight();
        if (method == Method.DUALCL) {
            Checks.notNull(features, "features (required by dualcl)");
            Checks.notNull(labelFeatures, "labelFeatures (required by dualcl)");
            DualClassifierResult r = dualClassifier.compute(features, labelFeatures, labels, normalizer);
            return new CrossEntropyPart(w * r.value(), r.value(), null, r.gradCls().muli(w),
                    r.gradLabelFeatures().muli(w));
        }
        Checks.notNull(logits, "logits (required by " + method.id() + ")");
        CrossEntropyResult r = crossEntropy.compute(logits, labels, normalizer);
        return new CrossEntropyPart(w * r.value(), r.value(), r.gradLogits().muli(w), null, null);
    }

    /**
     * Reported parts from the summed shard cross-entropies (unweighted, each already divided by the
     * global batch size) and the global contrastive part.
     */
    public ObjectiveParts parts(double crossEntropySum, ContrastivePart contrastive) {
        double total = crossEntropyWeight() * crossEntropySum + contrastive.value();
        return new ObjectiveParts(total, crossEntropySum, contrastive.unweighted(), contrastive.lz(),
                contrastive.ltheta());
    }

    /**
     * The whole objective on one batch (normalizer = N); gradients of the total.
     *
     * @param features      [N,d] (scl, dualcl; may be null for ce)
     * @param logits        [N,K] (ce, scl; may be null for dualcl)
     * @param labelFeatures [N,K,d] (dualcl; may be null otherwise)
     * @param labels        [N]
     */
    public ObjectiveResult compute(INDArray features, INDArray logits, INDArray labelFeatures, INDArray labels) {
        INDArray rowSource = method == Method.DUALCL || logits == null ? features : logits;
        Checks.notNull(rowSource, method == Method.CE ? "logits" : "features");
        double n = rowSource.size(0);
        CrossEntropyPart ce = crossEntropy(logits, features, labelFeatures, labels, n);
        ContrastivePart con = contrastive(features, labelFeatures, labels);
        INDArray gradFeatures = sum(ce.gradFeatures(), con.gradFeatures());
        INDArray gradLabelFeatures = sum(ce.gradLabelFeatures(), con.gradLabelFeatures());
        return new ObjectiveResult(parts(ce.unweighted(), con), gradFeatures, ce.gradLogits(), gradLabelFeatures);
    }

    private static INDArray sum(INDArray a, INDArray b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.addi(b);
    }

    @Override
    public String toString() {
        return "Objective{" + method.id() + ", lambda=" + lambda + ", tau=" + temperature + "}";
    }
}
