package io.sparkcl.datasets.read;

import java.util.ArrayList;
import java.util.List;

/** Splits one line of a delimited file into fields. */
final class DelimitedLine {
    private DelimitedLine() {
    }

    /** TSV as GLUE writes it: no quoting, every tab separates two fields. */
    static List<String> splitTsv(String line) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\t') {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    /**
     * CSV with RFC 4180 quoting inside one line: {@code "a, b"} is one field, {@code ""} inside quotes is a quote.
     *
     * @throws IllegalArgumentException for an unterminated quote or text after a closing quote
     */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            field.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                        } else {
                            closed = true;
                            i++;
                            break;
                        }
                    } else {
                        field.append(c);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted field (quoted fields cannot span lines)");
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new IllegalArgumentException("unexpected character '" + line.charAt(i)
                            + "' after a closing quote at column " + (i + 1));
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    field.append(line.charAt(i));
                    i++;
                }
            }
            out.add(field.toString());
            if (i >= n) {
                return out;
            }
            i++; // the comma
            if (i == n) {
                out.add("");
                return out;
            }
        }
    }
}
