package io.sparkcl.job.shared;

import io.sparkcl.losses.Objective;
import io.sparkcl.model.encoder.Pooling;

/**
 * What shared mode needs from the run's configuration.
 *
 * @param batchPerExecutor rows per minibatch on each executor (the contrastive term's batch)
 * @param epochs           passes over the training rows
 * @param warmupRatio      fraction of the iterations with a linear learning-rate warm-up
 * @param maxGradNorm      L2 clipping of each minibatch's gradient; ≤ 0 = none
 * @param threshold        initial threshold of DL4J's adaptive threshold encoding of the shared updates
 * @param port             UDP port of the parameter server (Aeron) on the driver and on every executor
 * @param networkMask      the executors' network in CIDR (e.g. 10.0.0.0/16); null: the driver's host /32 or
 *                         loopback, see {@link ParameterServerNetwork}
 */
public record SharedSettings(Objective objective, Pooling pooling, long seed, double lr, double warmupRatio,
                             double weightDecay, double maxGradNorm, int batchPerExecutor, int epochs,
                             double threshold, int port, String networkMask) {

    public SharedSettings {
        if (objective == null || pooling == null) {
            throw new IllegalArgumentException("shared mode needs an objective and a pooling");
        }
        if (batchPerExecutor < 2) {
            throw new IllegalArgumentException("batch per executor must be >= 2 (the contrastive term needs pairs),"
                    + " got " + batchPerExecutor);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (!(lr > 0) || warmupRatio < 0 || warmupRatio > 1 || weightDecay < 0 || !(threshold > 0)) {
            throw new IllegalArgumentException("shared mode needs lr > 0, warm-up ratio in [0,1], weight decay >= 0"
                    + " and threshold > 0; got " + lr + ", " + warmupRatio + ", " + weightDecay + ", " + threshold);
        }
        if (port < 1024 || port > 65535) {
            throw new IllegalArgumentException("parameter-server port must be in [1024, 65535], got " + port);
        }
    }
}
