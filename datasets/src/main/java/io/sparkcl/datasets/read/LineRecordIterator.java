package io.sparkcl.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkcl.datasets.quarantine.BadRowReason;
import io.sparkcl.datasets.registry.SourceFormat;
import io.sparkcl.datasets.registry.SourceSpec;

import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Streams the rows of one line-based file (JSON lines, CSV, TSV). Empty lines are not rows and are skipped.
 * A UTF-8 byte-order mark at the start of the file is ignored.
 */
final class LineRecordIterator implements Iterator<RawRecord> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final SourceSpec source;
    private final ByteLineReader reader;
    private List<String> columns;
    private long lineNumber;
    private RawRecord next;
    private boolean done;

    LineRecordIterator(String file, InputStream in, SourceSpec source) {
        this.file = file;
        this.source = source;
        this.reader = new ByteLineReader(in);
        this.columns = source.fixedColumns();
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = advance();
            if (next == null) {
                done = true;
                reader.close();
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

    private RawRecord advance() {
        while (true) {
            byte[] line = reader.next();
            if (line == null) {
                return null;
            }
            lineNumber++;
            int offset = 0;
            if (lineNumber == 1 && line.length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
                    && (line[2] & 0xFF) == 0xBF) {
                offset = 3; // BOM
            }
            int length = line.length - offset;
            if (length == 0) {
                continue;
            }
            String text = Utf8.decodeStrict(line, offset, length);
            if (text == null) {
                int at = Utf8.firstInvalidOffset(line, offset, length);
                return RawRecord.bad(file, lineNumber, Utf8.decodeLossy(line, offset, length),
                        Utf8.base64(line, offset, length), BadRowReason.INVALID_UTF8.code(),
                        "invalid UTF-8 byte sequence at byte " + at + " of line " + lineNumber);
            }
            if (source.format() == SourceFormat.JSON_LINES) {
                if (text.isBlank()) {
                    continue;
                }
                return parseJson(text);
            }
            if (columns == null) {
                // First line of a delimited file with a header.
                try {
                    columns = split(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("cannot parse the header line of " + file + ": " + e.getMessage());
                }
                continue;
            }
            return parseDelimited(text);
        }
    }

    private List<String> split(String text) {
        return source.format() == SourceFormat.CSV ? DelimitedLine.splitCsv(text) : DelimitedLine.splitTsv(text);
    }

    private RawRecord parseDelimited(String text) {
        List<String> values;
        try {
            values = split(text);
        } catch (IllegalArgumentException e) {
            return RawRecord.bad(file, lineNumber, text, null, BadRowReason.MALFORMED_ROW.code(), e.getMessage());
        }
        if (values.size() != columns.size()) {
            return RawRecord.bad(file, lineNumber, text, null, BadRowReason.WRONG_COLUMN_COUNT.code(),
                    "expected " + columns.size() + " " + source.format().name() + " columns " + columns
                            + ", found " + values.size());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            fields.put(columns.get(i), values.get(i));
        }
        return RawRecord.parsed(file, lineNumber, text, fields);
    }

    private RawRecord parseJson(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return JsonFields.toRecord(file, lineNumber, text, node);
        } catch (java.io.IOException e) {
            return RawRecord.bad(file, lineNumber, text, null, BadRowReason.MALFORMED_ROW.code(),
                    "JSON parse error: " + firstLine(e.getMessage()));
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
