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
     * True when the CSV text {@code bytes[0..length)} ends inside a quoted field: only a quote at the start
     * of a field opens one (a stray quote inside an unquoted field is text), {@code ""} inside is a quote.
     * Quotes and commas are ASCII, so scanning UTF-8 bytes is exact.
     */
    static boolean csvQuoteOpen(byte[] bytes, int length) {
        boolean inQuotes = false;
        boolean fieldStart = true;
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (inQuotes) {
                if (b == '"') {
                    if (i + 1 < length && bytes[i + 1] == '"') {
                        i++;
                    } else {
                        inQuotes = false;
                    }
                }
            } else {
                if (b == '"' && fieldStart) {
                    inQuotes = true;
                }
                fieldStart = b == ',';
            }
        }
        return inQuotes;
    }

    /**
     * One CSV record with RFC 4180 quoting: {@code "a, b"} is one field, {@code ""} inside quotes is a quote,
     * and a quoted field may contain line breaks (the reader joins the lines of such a record).
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
                    throw new IllegalArgumentException(
                            "unterminated quoted field: the quote is still open at the end of the file");
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
