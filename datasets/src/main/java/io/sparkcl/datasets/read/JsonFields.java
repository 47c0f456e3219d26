package io.sparkcl.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkcl.datasets.quarantine.BadRowReason;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a parsed JSON value into a record: objects give fields (scalars as text), anything else is malformed. */
final class JsonFields {
    private JsonFields() {
    }

    static RawRecord toRecord(String file, long row, String raw, JsonNode node) {
        if (node == null || !node.isObject()) {
            return RawRecord.bad(file, row, raw, null, BadRowReason.MALFORMED_ROW.code(),
                    "expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String value;
            if (v == null || v.isNull()) {
                value = null;
            } else if (v.isValueNode()) {
                value = v.asText();
            } else {
                value = v.toString();
            }
            fields.put(e.getKey(), value);
        }
        return RawRecord.parsed(file, row, raw, fields);
    }
}
