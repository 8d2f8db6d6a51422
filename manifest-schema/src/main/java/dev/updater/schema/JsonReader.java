package dev.updater.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Strict, path-aware reading of a JSON object: each accessor names the full field path in its error, so a user
 * reading "invalid field 'targets.linux-amd64.digest'" knows exactly where to look.
 */
public final class JsonReader {
    private final JsonNode node;
    private final String path;

    private JsonReader(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    public static JsonReader root(JsonNode node) {
        if (!node.isObject()) {
            throw new ManifestFormatException("$", "expected a JSON object at the top level");
        }
        return new JsonReader(node, "");
    }

    /** Like {@link #root(JsonNode)} for an object found at {@code path} of a larger document, named so in errors. */
    public static JsonReader root(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new ManifestFormatException(path, "expected a JSON object");
        }
        return new JsonReader(node, path);
    }

    public String path(String field) {
        // field names come from the document: escaped, since paths end up in messages
        String name = UntrustedText.escape(field);
        return path.isEmpty() ? name : path + "." + name;
    }

    public String path() {
        return path.isEmpty() ? "$" : path;
    }

    /** Refuses any field not in {@code allowed}: a typo or an unsupported feature must not pass silently. */
    public JsonReader onlyFields(Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new ManifestFormatException(path(name), "unknown field (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        return this;
    }

    public boolean has(String field) {
        return node.has(field) && !node.get(field).isNull();
    }

    private JsonNode required(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ManifestFormatException(path(field), "missing");
        }
        return value;
    }

    public String string(String field) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw new ManifestFormatException(path(field), "expected a string, found " + value.getNodeType());
        }
        return value.textValue();
    }

    public String string(String field, String fallback) {
        return has(field) ? string(field) : fallback;
    }

    public long longValue(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ManifestFormatException(path(field), "expected an integer, found " + shown(value));
        }
        return value.longValue();
    }

    public int intValue(String field) {
        long v = longValue(field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ManifestFormatException(path(field), "out of range: " + v);
        }
        return (int) v;
    }

    public long nonNegativeLong(String field) {
        long v = longValue(field);
        if (v < 0) {
            throw new ManifestFormatException(path(field), "must not be negative: " + v);
        }
        return v;
    }

    public boolean bool(String field, boolean fallback) {
        if (!has(field)) return fallback;
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw new ManifestFormatException(path(field), "expected true or false, found " + shown(value));
        }
        return value.booleanValue();
    }

    public Digest digest(String field) {
        String text = string(field);
        if (!Digest.isValid(text)) {
            throw new ManifestFormatException(path(field), "not a sha256 digest ('sha256:' and 64 lowercase hex): "
                    + abbreviate(text));
        }
        return Digest.parse(text);
    }

    public JsonReader object(String field) {
        JsonNode value = required(field);
        if (!value.isObject()) {
            throw new ManifestFormatException(path(field), "expected an object, found " + value.getNodeType());
        }
        return new JsonReader(value, path(field));
    }

    public Map<String, JsonReader> objectMap(String field) {
        JsonReader obj = object(field);
        Map<String, JsonReader> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isObject()) {
                throw new ManifestFormatException(obj.path(e.getKey()), "expected an object");
            }
            out.put(e.getKey(), new JsonReader(e.getValue(), obj.path(e.getKey())));
        }
        return out;
    }

    public List<JsonReader> objectList(String field) {
        JsonNode value = required(field);
        if (!value.isArray()) {
            throw new ManifestFormatException(path(field), "expected an array, found " + value.getNodeType());
        }
        List<JsonReader> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = path(field) + "[" + i + "]";
            if (!item.isObject()) {
                throw new ManifestFormatException(itemPath, "expected an object");
            }
            out.add(new JsonReader(item, itemPath));
        }
        return out;
    }

    public List<String> stringList(String field) {
        JsonNode value = required(field);
        if (!value.isArray()) {
            throw new ManifestFormatException(path(field), "expected an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw new ManifestFormatException(path(field) + "[" + i + "]", "expected a string");
            }
            out.add(value.get(i).textValue());
        }
        return out;
    }

    public Map<String, String> stringMap(String field) {
        if (!has(field)) return Map.of();
        JsonReader obj = object(field);
        Map<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ManifestFormatException(obj.path(e.getKey()), "expected a string value");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    public JsonNode raw() {
        return node;
    }

    /** A value for a message: quoted, unprintable characters escaped, cut after {@value UntrustedText#MAX_CHARS}. */
    public static String abbreviate(String s) {
        return UntrustedText.quote(s);
    }

    /** A JSON value of the wrong type, for a message: its type and the start of it, never the whole document. */
    private static String shown(JsonNode value) {
        return value.getNodeType() + " " + UntrustedText.escape(value.toString());
    }
}
