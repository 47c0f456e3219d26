package io.sparkcl.job.config;

import io.sparkcl.losses.Method;
import io.sparkcl.losses.Objective;

import java.io.Serializable;


import static io.sparkcl.job.config.ConfigKey.*;

/**
 * The training objective: method, contrastive weight λ and temperature τ. Method-dependent defaults (the
 * README, "Command line", says where they come from): dualcl λ = 0.5, τ = 0.1 (the weighting and τ of Chen et
 * al.'s reference code: (1−α)·CE + (α/2)·(L_z + L_θ) with α = 0.5 is half of CE + 0.5·(L_z + L_θ)); scl λ = 0.9,
 * τ = 0.3 (Gunel et al.'s best setting); ce λ = 0, τ unused.
 */
public record ObjectiveConfig(Method method, double lambda, double tau) implements Serializable {

    static ObjectiveConfig from(ConfigValues r) {
        return new ObjectiveConfig(Method.parse(r.get(METHOD)), r.get(LAMBDA), r.get(TAU));
    }

    public static double defaultLambda(Method method) {
        return switch (method) {
            case SCL -> 0.9;
            case CE -> 0.0;
            case DUALCL -> 0.5;
        };
    }

    public static double defaultTau(Method method) {
        return method == Method.SCL ? 0.3 : 0.1;
    }

    /** The losses module's objective (rebuilt where it is used: it is not serializable). */
    public Objective objective() {
        return new Objective(method, lambda, tau);
    }

    /** Whether a step needs the batch's features for a contrastive term (ce, or λ = 0, need none). */
    public boolean hasContrastive() {
        return method != Method.CE && lambda != 0;
    }
}
