package io.sparkcl.losses;

import java.util.Locale;

/** Training objective: cross-entropy only, SCL (Gunel et al. 2021) or DualCL (Chen et al. 2022). */
public enum Method {
    CE, SCL, DUALCL;

    /** Case-insensitive: "ce", "scl", "dualcl" (also "dual-cl", "dual_cl"). */
    public static Method parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("method must be one of ce, scl, dualcl; got null");
        }
        String key = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (Method m : values()) {
            if (m.name().equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("method must be one of ce, scl, dualcl; got '" + name + "'");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
