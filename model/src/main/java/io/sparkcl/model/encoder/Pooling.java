package io.sparkcl.model.encoder;

import java.util.Locale;

/** How the per-token final hidden states of a row become one feature vector. */
public enum Pooling {
    /** The hidden state of the first token ([CLS] / &lt;s&gt;). */
    CLS,
    /** The mean of the hidden states of the non-padding tokens (attention mask 1). */
    MEAN;

    /** The spelling in options and model folders: "cls" or "mean". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "cls" / "mean" (case-insensitive). */
    public static Pooling parse(String s) {
        for (Pooling p : values()) {
            if (p.name().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("Unknown pooling '" + s + "': expected cls or mean");
    }
}
