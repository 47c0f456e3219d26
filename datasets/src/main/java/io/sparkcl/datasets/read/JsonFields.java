package io.sparkcl.datasets.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkcl.datasets.quarantine.BadRowReason;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a parsed JSON value into a record: objects give fields (scalars as text, with their JSON type kept
 * so that validation can refuse a number or an object where text is expected); anything else is malformed.
 */
final class JsonFields {
    private JsonFields() {
    }

    static RawRecord toRecord(String file, long row, String raw, JsonNode node) {
        if (node == null || !node.isObject()) {
            return RawRecord.bad(file, row, raw, null, BadRowReason.MALFORMED_ROW.code(),
                    "expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, FieldKind> kinds = new LinkedHashMap<>();
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
            FieldKind kind = kindOf(v);
            if (kind != FieldKind.STRING) {
                kinds.put(e.getKey(), kind);
            }
        }
        return RawRecord.typed(file, row, raw, fields, kinds);
    }

    private static FieldKind kindOf(JsonNode v) {
        if (v == null || v.isNull() || v.isTextual()) {
            return FieldKind.STRING; // null is checked as a missing value, not as a type
        }
        if (v.isIntegralNumber()) {
            return FieldKind.INTEGER;
        }
        if (v.isNumber()) {
            return FieldKind.DECIMAL;
        }
        if (v.isBoolean()) {
            return FieldKind.BOOLEAN;
        }
        if (v.isObject()) {
            return FieldKind.OBJECT;
        }
        if (v.isArray()) {
            return FieldKind.ARRAY;
        }
        return v.isBinary() ? FieldKind.BINARY : FieldKind.OTHER;
    }
}
