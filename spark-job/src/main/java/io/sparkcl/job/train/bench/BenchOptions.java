package io.sparkcl.job.train.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A benchmark's {@code --name value} arguments: only the names it knows, read typed with defaults. */
final class BenchOptions {
    private final Map<String, String> values = new HashMap<>();
    private final String bench;

    /** @param names the benchmark's option names, without dashes */
    BenchOptions(String bench, String[] args, List<String> names) {
        this.bench = bench;
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : args[i];
            if (!names.contains(name)) {
                throw new IllegalArgumentException(bench + ": unknown option " + args[i] + " (--"
                        + String.join(", --", names) + ")");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(bench + ": option " + args[i] + " needs a value");
            }
            values.put(name, args[i + 1]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bench + ": --" + name + " must be an integer, got " + v);
        }
    }
}
