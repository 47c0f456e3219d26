package io.sparkcl.datasets.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.datasets.quarantine.BadRowReason;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the elements of a file holding one JSON array. Element boundaries are found on the raw bytes
 * (tracking strings, escapes and nesting), so one broken element (bad JSON, invalid UTF-8) becomes one bad
 * row and the elements after it are still read. A broken array structure (truncated file, missing comma)
 * ends the file with one bad row describing where it broke.
 */
final class JsonArrayIterator implements Iterator<RawRecord> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final InputStream in;
    private long element;
    private long line = 1;
    private int pushedBack = -2;
    private boolean started;
    private boolean done;
    private RawRecord next;

    JsonArrayIterator(String file, InputStream in) {
        this.file = file;
        this.in = new BufferedInputStream(in, 1 << 16);
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                next = advance();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            if (next == null) {
                finish();
            }
        }
        return next != null;
    }

    @Override
    public RawRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RawRecord r = next;
        next = null;
        return r;
    }

    private void finish() {
        done = true;
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int read() throws IOException {
        int b;
        if (pushedBack != -2) {
            b = pushedBack;
            pushedBack = -2;
        } else {
            b = in.read();
        }
        if (b == '\n') {
            line++;
        }
        return b;
    }

    private void unread(int b) {
        if (b == '\n') {
            line--;
        }
        pushedBack = b;
    }

    private int skipWhitespace() throws IOException {
        int b;
        do {
            b = read();
        } while (b == ' ' || b == '\t' || b == '\n' || b == '\r');
        return b;
    }

    private RawRecord advance() throws IOException {
        if (!started) {
            started = true;
            int b = skipWhitespace();
            if (b == 0xEF) { // UTF-8 byte-order mark
                read();
                read();
                b = skipWhitespace();
            }
            if (b != '[') {
                return structureError("the file does not start with a JSON array '[' (found "
                        + describe(b) + "); use the json-lines format for one object per line");
            }
            int c = skipWhitespace();
            if (c == ']') {
                return null;
            }
            unread(c);
        } else {
            int sep = skipWhitespace();
            if (sep == ']') {
                return null;
            }
            if (sep != ',') {
                return structureError("expected ',' or ']' after element " + element + " at line " + line
                        + ", found " + describe(sep));
            }
        }
        int first = skipWhitespace();
        if (first == -1) {
            return structureError("the file ends inside the JSON array, after element " + element);
        }
        element++;
        long startLine = line;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        if (!captureElement(first, bytes)) {
            return structureError("the file ends inside element " + element + " (starting at line " + startLine
                    + "): the JSON array is truncated or a string is not closed");
        }
        byte[] raw = bytes.toByteArray();
        String text = Utf8.decodeStrict(raw, 0, raw.length);
        if (text == null) {
            return RawRecord.bad(file, element, Utf8.decodeLossy(raw, 0, raw.length), Utf8.base64(raw, 0, raw.length),
                    BadRowReason.INVALID_UTF8.code(), "invalid UTF-8 byte sequence at byte "
                            + Utf8.firstInvalidOffset(raw, 0, raw.length) + " of element " + element
                            + " (line " + startLine + ")");
        }
        try {
            return JsonFields.toRecord(file, element, text, JSON.readTree(text));
        } catch (IOException e) {
            return RawRecord.bad(file, element, text, null, BadRowReason.MALFORMED_ROW.code(),
                    "JSON parse error in element " + element + " (line " + startLine + "): "
                            + LineRecordIterator.firstLine(e.getMessage()));
        }
    }

    /** Copies one element's bytes; false when the stream ends first. */
    private boolean captureElement(int first, ByteArrayOutputStream out) throws IOException {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        int b = first;
        while (true) {
            if (b == -1) {
                return false;
            }
            if (inString) {
                out.write(b);
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                    if (depth == 0) {
                        return true;
                    }
                }
            } else if (b == '"') {
                out.write(b);
                inString = true;
            } else if (b == '{' || b == '[') {
                out.write(b);
                depth++;
            } else if (b == '}' || b == ']') {
                if (depth == 0) { // end of the array right after a scalar
                    unread(b);
                    return true;
                }
                out.write(b);
                depth--;
                if (depth == 0) {
                    return true;
                }
            } else if (depth == 0 && (b == ',' || b == ' ' || b == '\n' || b == '\r' || b == '\t')) {
                unread(b); // end of a scalar element
                return true;
            } else {
                out.write(b);
            }
            b = read();
        }
    }

    private RawRecord structureError(String detail) throws IOException {
        byte[] rest = in.readNBytes(200);
        done = true;
        String raw = Utf8.decodeLossy(rest, 0, rest.length);
        RawRecord r = RawRecord.bad(file, element + 1, raw, null, BadRowReason.MALFORMED_ROW.code(), detail);
        finish();
        return r;
    }

    private static String describe(int b) {
        if (b == -1) {
            return "the end of the file";
        }
        return "'" + (char) b + "'";
    }
}
