package io.sparkcl.model.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Clipping of a flat gradient by its global L2 norm (as {@code torch.nn.utils.clip_grad_norm_}). */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The global L2 norm of the flat gradient. */
    public static double globalNorm(INDArray grads) {
        return grads.norm2Number().doubleValue();
    }

    /**
     * Scales {@code grads} in place by {@code maxNorm / (norm + 1e-6)} when that factor is below 1.
     * A non-positive or infinite {@code maxNorm} disables clipping.
     *
     * @return the global norm before clipping
     */
    public static double clipByGlobalNorm(INDArray grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (maxNorm > 0 && !Double.isInfinite(maxNorm)) {
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1.0) {
                grads.muli(coef);
            }
        }
        return norm;
    }
}
