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
 * A UTF-8 byte-order mark at the start of the file is ignored. CSV follows RFC 4180: a quoted field may
 * hold line breaks, so a record continues over the next lines while a quote is open; its row number is
 * the line where it starts.
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
            long firstLine = lineNumber;
            if (source.format() == SourceFormat.CSV) {
                line = continueQuotedRecord(line);
            }
            int offset = 0;
            if (firstLine == 1 && line.length >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
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
                return RawRecord.bad(file, firstLine, Utf8.decodeLossy(line, offset, length),
                        Utf8.base64(line, offset, length), BadRowReason.INVALID_UTF8.code(),
                        "invalid UTF-8 byte sequence at byte " + at + " of the row starting at line " + firstLine);
            }
            if (source.format() == SourceFormat.JSON_LINES) {
                if (text.isBlank()) {
                    continue;
                }
                return parseJson(text, firstLine);
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
            return parseDelimited(text, firstLine);
        }
    }

    /**
     * While a quoted field of the record is still open, appends the next line with the line break it stood
     * for. A quote at the end of the file that is still open is left for the parser to report.
     */
    private byte[] continueQuotedRecord(byte[] line) {
        if (!DelimitedLine.csvQuoteOpen(line, line.length)) {
            return line;
        }
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream(line.length * 2);
        record.writeBytes(line);
        while (DelimitedLine.csvQuoteOpen(record.toByteArray(), record.size())) {
            byte[] more = reader.next();
            if (more == null) {
                break;
            }
            lineNumber++;
            record.write('\n');
            record.writeBytes(more);
        }
        return record.toByteArray();
    }

    private List<String> split(String text) {
        return source.format() == SourceFormat.CSV ? DelimitedLine.splitCsv(text) : DelimitedLine.splitTsv(text);
    }

    private RawRecord parseDelimited(String text, long row) {
        List<String> values;
        try {
            values = split(text);
        } catch (IllegalArgumentException e) {
            return RawRecord.bad(file, row, text, null, BadRowReason.MALFORMED_ROW.code(), e.getMessage());
        }
        if (values.size() != columns.size()) {
            return RawRecord.bad(file, row, text, null, BadRowReason.WRONG_COLUMN_COUNT.code(),
                    "expected " + columns.size() + " " + source.format().name() + " columns " + columns
                            + ", found " + values.size());
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            fields.put(columns.get(i), values.get(i));
        }
        return RawRecord.parsed(file, row, text, fields);
    }

    private RawRecord parseJson(String text, long row) {
        try {
            JsonNode node = JSON.readTree(text);
            return JsonFields.toRecord(file, row, text, node);
        } catch (java.io.IOException e) {
            return RawRecord.bad(file, row, text, null, BadRowReason.MALFORMED_ROW.code(),
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
