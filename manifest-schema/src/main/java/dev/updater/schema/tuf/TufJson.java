package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.ManifestFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The two byte encodings TUF metadata needs.
 *
 * <p>{@link #canonical} is OLPC canonical JSON as securesystemslib writes it: keys sorted by code point, no
 * whitespace, only {@code "} and {@code \} escaped, UTF-8, integers only. It is what a signature covers.
 *
 * <p>{@link #pretty} is the layout the reference implementation writes files in (Python's
 * {@code json.dumps(indent=1, sort_keys=True)}, ASCII-only with {@code \\uXXXX} escapes, no final newline), so
 * metadata we sign looks exactly like metadata python-tuf signs.
 */
public final class TufJson {
    private TufJson() {}

    public static byte[] canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        writeCanonical(node, out, "$");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] pretty(JsonNode node) {
        StringBuilder out = new StringBuilder();
        writePretty(node, out, 0);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeCanonical(JsonNode node, StringBuilder out, String path) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : sortedFields(node)) {
                    if (!first) out.append(',');
                    first = false;
                    canonicalString(e.getKey(), out);
                    out.append(':');
                    writeCanonical(e.getValue(), out, path + "." + e.getKey());
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) out.append(',');
                    writeCanonical(node.get(i), out, path + "[" + i + "]");
                }
                out.append(']');
            }
            case STRING -> canonicalString(node.textValue(), out);
            case NUMBER -> {
                if (!node.isIntegralNumber()) {
                    throw new ManifestFormatException(path, "canonical JSON has no floating-point numbers: " + node);
                }
                out.append(node.bigIntegerValue().toString());
            }
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new ManifestFormatException(path, "value cannot be canonicalised: " + node.getNodeType());
        }
    }

    private static void canonicalString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') out.append('\\');
            out.append(c);
        }
        out.append('"');
    }

    private static void writePretty(JsonNode node, StringBuilder out, int depth) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                if (node.size() == 0) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : sortedFields(node)) {
                    if (!first) out.append(",\n");
                    first = false;
                    indent(out, depth + 1);
                    asciiString(e.getKey(), out);
                    out.append(": ");
                    writePretty(e.getValue(), out, depth + 1);
                }
                out.append('\n');
                indent(out, depth);
                out.append('}');
            }
            case ARRAY -> {
                if (node.size() == 0) {
                    out.append("[]");
                    return;
                }
                out.append("[\n");
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) out.append(",\n");
                    indent(out, depth + 1);
                    writePretty(node.get(i), out, depth + 1);
                }
                out.append('\n');
                indent(out, depth);
                out.append(']');
            }
            case STRING -> asciiString(node.textValue(), out);
            case NUMBER -> out.append(node.isIntegralNumber() ? node.bigIntegerValue().toString() : node.asText());
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            default -> out.append("null");
        }
    }

    private static void indent(StringBuilder out, int depth) {
        out.append(" ".repeat(depth));
    }

    private static void asciiString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Fields in code-point order, which is how Python sorts keys (UTF-16 order differs above U+FFFF). */
    private static List<Map.Entry<String, JsonNode>> sortedFields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            fields.add(it.next());
        }
        fields.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
        return fields;
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
