package io.sparkcl.job.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the raw value of an option (a command-line string or a YAML scalar/list) is parsed. */
public enum ValueType {
    STRING, INT, LONG, DOUBLE, BOOLEAN, LIST;

    /**
     * Parses {@code raw} (a String from the command line, or whatever YAML produced: Number, Boolean,
     * String, List) into String, Integer, Long, Double, Boolean or List&lt;String&gt;.
     *
     * @throws ConfigException naming {@code key} and {@code origin} when the value has the wrong type
     */
    public Object parse(ConfigKey key, Object raw, String origin) {
        if (raw == null) {
            return null;
        }
        if (this != LIST && (raw instanceof List<?> || raw instanceof java.util.Map<?, ?>)) {
            throw bad(key, raw, origin, this == STRING ? "a single value" : this == BOOLEAN ? "true or false"
                    : this == DOUBLE ? "a number" : "a whole number");
        }
        if (this == LIST && raw instanceof java.util.Map<?, ?>) {
            throw bad(key, raw, origin, "a list");
        }
        String text = raw instanceof List<?> ? null : String.valueOf(raw).trim();
        try {
            switch (this) {
                case STRING:
                    return text;
                case INT:
                    return Integer.valueOf(integerText(key, raw, text, origin));
                case LONG:
                    return Long.valueOf(integerText(key, raw, text, origin));
                case DOUBLE:
                    if (raw instanceof Number n) {
                        return n.doubleValue();
                    }
                    return Double.valueOf(text.replace('_', ' ').replace(" ", ""));
                case BOOLEAN:
                    if (raw instanceof Boolean b) {
                        return b;
                    }
                    String t = text.toLowerCase(Locale.ROOT);
                    if (t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("1")) {
                        return Boolean.TRUE;
                    }
                    if (t.equals("false") || t.equals("no") || t.equals("off") || t.equals("0")) {
                        return Boolean.FALSE;
                    }
                    throw bad(key, raw, origin, "true or false");
                case LIST:
                    List<String> out = new ArrayList<>();
                    if (raw instanceof List<?> list) {
                        for (Object o : list) {
                            out.add(String.valueOf(o).trim());
                        }
                    } else {
                        for (String part : text.split(",")) {
                            out.add(part.trim());
                        }
                    }
                    if (out.stream().anyMatch(String::isEmpty)) {
                        throw bad(key, raw, origin, "a comma-separated list without empty entries");
                    }
                    return List.copyOf(out);
                default:
                    throw new IllegalStateException(name());
            }
        } catch (NumberFormatException e) {
            throw bad(key, raw, origin, this == DOUBLE ? "a number" : "a whole number");
        }
    }

    private static String integerText(ConfigKey key, Object raw, String text, String origin) {
        if (raw instanceof Double || raw instanceof Float) {
            throw bad(key, raw, origin, "a whole number");
        }
        return text.replace("_", "");
    }

    private static ConfigException bad(ConfigKey key, Object raw, String origin, String expected) {
        return new ConfigException(key, "expected " + expected + ", got '" + raw + "'" + (origin == null ? "" : " (" + origin + ")"));
    }
}
