package io.sparkcl.datasets.read;

import io.sparkcl.datasets.registry.SourceFormat;
import io.sparkcl.datasets.registry.SourceSpec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 4180 records over several lines, without Spark. */
class CsvRecordTest {

    private static List<RawRecord> read(String csv) {
        SourceSpec source = new SourceSpec(SourceFormat.CSV, null, "text", null, "label", null);
        LineRecordIterator it = new LineRecordIterator("f.csv",
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), source);
        List<RawRecord> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void aQuotedLineBreakContinuesTheRecord() {
        List<RawRecord> rows = read("text,label\n\"one\nb,c\",pos\nnext,neg\n");
        assertEquals(2, rows.size());
        assertEquals("one\nb,c", rows.get(0).fields().get("text"));
        assertEquals(2, rows.get(0).row());
        assertEquals("next", rows.get(1).fields().get("text"));
        assertEquals(4, rows.get(1).row());
    }

    @Test
    void aStrayQuoteInsideAnUnquotedFieldIsText() {
        List<RawRecord> rows = read("text,label\n5\" tall,pos\nnext,neg\n");
        assertEquals(2, rows.size());
        assertEquals("5\" tall", rows.get(0).fields().get("text"));
        assertNull(rows.get(1).reason());
    }
}
