package io.sparkcl.job.config;

import java.io.Serializable;


import static io.sparkcl.job.config.ConfigKey.*;

/**
 * How the run trains: the exact global-batch mode, or DL4J's parameter server (shared mode) and its network.
 *
 * @param shared     {@code --mode shared}
 * @param psPort     UDP port of the parameter server on the driver
 * @param psNetwork  the executors' network in CIDR; null = the driver's
 * @param psThreshold initial threshold of the encoded updates (default: the learning rate)
 */
public record ModeConfig(boolean shared, int psPort, String psNetwork, double psThreshold) implements Serializable {

    static ModeConfig from(ConfigValues r) {
        return new ModeConfig("shared".equals(r.get(MODE)), r.get(PS_PORT), r.get(PS_NETWORK), r.get(PS_THRESHOLD));
    }

    public String name() {
        return shared ? "shared" : "exact";
    }
}
