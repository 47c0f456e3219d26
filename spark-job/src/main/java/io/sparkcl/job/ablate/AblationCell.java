package io.sparkcl.job.ablate;

import io.sparkcl.job.config.ConfigKey;
import io.sparkcl.job.config.TrainConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One cell of an ablation: the grid values that make it, its id (also its run folder's name) and its resolved
 * train configuration.
 */
public record AblationCell(int index, String id, Map<ConfigKey, Object> varied, TrainConfig config) {

    /** {@code method=scl__seed=1}: the varied options in grid order, as file-name-safe text. */
    public static String idOf(Map<ConfigKey, Object> varied) {
        if (varied.isEmpty()) {
            return "single";
        }
        return varied.entrySet().stream().map(e -> e.getKey().key() + "=" + safe(String.valueOf(e.getValue())))
                .collect(Collectors.joining("__"));
    }

    private static String safe(String v) {
        return v.replaceAll("[^A-Za-z0-9._+-]", "_");
    }

    /** The varied values as shown in tables and JSON ({@code key -> value}). */
    public Map<String, Object> variedByName() {
        Map<String, Object> m = new LinkedHashMap<>();
        varied.forEach((k, v) -> m.put(k.key(), v));
        return m;
    }
}
