package dev.updater.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Mutations of a JSON document as an attacker would write them: bytes flipped, cut or inserted, and JSON-aware ones
 * (a field dropped, duplicated or given another type, huge numbers, deep nesting, control characters and invalid
 * UTF-8, wrong media types, hostile digests, very long strings). JSON-aware mutations replace one value of the
 * parsed document with raw text, so they can produce documents no JSON library would write.
 */
final class LayoutMutations {
    enum Kind {
        FLIP_BITS, TRUNCATE, INSERT_BYTES, DROP_FIELD, DUPLICATE_FIELD, RETYPE_FIELD, HUGE_NUMBER, DEEP_NESTING,
        CONTROL_CHARACTERS, WRONG_MEDIA_TYPE, BAD_DIGEST, LONG_STRING
    }

    /** Marks the value to replace; its serialised form is swapped for the raw replacement bytes. */
    private static final String PLACEHOLDER = "@@fuzz-placeholder@@";

    private LayoutMutations() {}

    /** A value of the document and where it sits, so it can be replaced or removed. */
    private record Slot(JsonNode parent, String field, int index, JsonNode value) {}

    static byte[] mutate(byte[] original, Kind kind, Random random, List<Digest> knownDigests) {
        switch (kind) {
            case FLIP_BITS -> {
                byte[] out = original.clone();
                for (int i = 0, n = 1 + random.nextInt(4); i < n && out.length > 0; i++) {
                    out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return out;
            }
            case TRUNCATE -> {
                return Arrays.copyOf(original, original.length == 0 ? 0 : random.nextInt(original.length));
            }
            case INSERT_BYTES -> {
                byte[] inserted = new byte[1 + random.nextInt(8)];
                random.nextBytes(inserted);
                int at = random.nextInt(original.length + 1);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(original, 0, at);
                out.writeBytes(inserted);
                out.write(original, at, original.length - at);
                return out.toByteArray();
            }
            default -> {
                JsonNode root;
                try {
                    root = Json.parse(original, "document");
                } catch (RuntimeException notJson) {
                    return mutate(original, Kind.FLIP_BITS, random, knownDigests);
                }
                return mutateJson(root, kind, random, knownDigests);
            }
        }
    }

    private static byte[] mutateJson(JsonNode root, Kind kind, Random random, List<Digest> knownDigests) {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) return "{}".getBytes(StandardCharsets.US_ASCII);
        Slot slot = pick(slots, kind, random);
        if (kind == Kind.DROP_FIELD || kind == Kind.DUPLICATE_FIELD) {
            if (!(slot.parent() instanceof ObjectNode parent)) {
                ((ArrayNode) slot.parent()).remove(slot.index());
                return Json.write(root);
            }
            if (kind == Kind.DROP_FIELD) {
                parent.remove(slot.field());
                return Json.write(root);
            }
            // the same key twice, the second time with another value: two parsers could read different values
            JsonNode value = slot.value();
            String other = random.nextBoolean() ? value.toString() : "\"other\"";
            parent.put(slot.field(), PLACEHOLDER);
            String field = new String(Json.write(new TextNode(slot.field())), StandardCharsets.UTF_8);
            return splice(Json.write(root), (value + "," + field + ":" + other).getBytes(StandardCharsets.UTF_8));
        }
        replace(slot, new TextNode(PLACEHOLDER));
        byte[] text = Json.write(root);
        return splice(text, replacement(kind, random, knownDigests));
    }

    private static Slot pick(List<Slot> slots, Kind kind, Random random) {
        List<Slot> preferred = switch (kind) {
            case WRONG_MEDIA_TYPE -> slots.stream().filter(s -> s.field() != null
                    && (s.field().equals("mediaType") || s.field().equals("artifactType"))).toList();
            case BAD_DIGEST -> slots.stream().filter(s -> s.field() != null && (s.field().equals("digest")
                    || s.field().equals("sha256"))).toList();
            case HUGE_NUMBER -> slots.stream().filter(s -> s.value().isNumber()).toList();
            case DROP_FIELD, DUPLICATE_FIELD -> slots.stream().filter(s -> s.field() != null).toList();
            default -> List.of();
        };
        List<Slot> from = preferred.isEmpty() || random.nextInt(8) == 0 ? slots : preferred;
        return from.get(random.nextInt(from.size()));
    }

    private static byte[] replacement(Kind kind, Random random, List<Digest> knownDigests) {
        String text = switch (kind) {
            case RETYPE_FIELD -> oneOf(random, "null", "true", "0", "\"\"", "[]", "{}", "\"x\"", "[1,2]",
                    "{\"a\":1}", "-1", "\"sha256:\"");
            case HUGE_NUMBER -> oneOf(random, "1e400", "-1", "9223372036854775807", "9223372036854775808",
                    "-9223372036854775809", "123456789012345678901234567890123456789", "1.5", "-0", "1E+2",
                    "4294967296", "2147483648", "0.0000001", "1" + "0".repeat(2000));
            case DEEP_NESTING -> {
                int depth = oneOf(random, 65, 200, 5_000, 100_000);
                yield random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            }
            case CONTROL_CHARACTERS -> null; // raw bytes below
            case WRONG_MEDIA_TYPE -> oneOf(random, "\"\"", "\" \"", "\"\\t\"",
                    "\"application/vnd.oci.image.index.v1+json\"", "\"application/vnd.updater.patch.unknown\"",
                    "\"application/vnd.updater.patch.\\u001b[2J\"",
                    "\"application/vnd.docker.distribution.manifest.v2+json\"", "\"text/plain\"",
                    "\"application/vnd.updater.manifest.v1+json\"", "\"application/vnd.oci.image.manifest.v1+json\"",
                    "\"application/vnd.dev.cosign.simplesigning.v1+json\"", "\"\\u001b[31mred\\u001b[0m\"",
                    "\"application/vnd.updater.tuf.metadata.v1+json\"", "\"application/vnd.oci.empty.v1+json\"");
            case BAD_DIGEST -> {
                String hex = knownDigests.get(random.nextInt(knownDigests.size())).hex();
                yield oneOf(random, "\"sha256:../../../../etc/passwd\"", "\"sha256:" + hex.toUpperCase() + "\"",
                        "\"sha512:" + hex + hex + "\"", "\"sha256:" + hex.substring(2) + "\"", "\"" + hex + "\"",
                        "\"sha256:" + hex + "\"", "\"sha256:" + hex + "\"", "\"sha256:" + hex + "/../x\"",
                        "\"" + hex.substring(0, 10) + "\"");
            }
            case LONG_STRING -> "\"" + "a".repeat(oneOf(random, 300, 70_000, 5_000_000)) + "\"";
            default -> throw new IllegalArgumentException(kind.name());
        };
        if (text != null) return text.getBytes(StandardCharsets.UTF_8);
        return controlCharacters(random);
    }

    /** A JSON string with control characters: raw (not valid JSON), escaped (valid), or invalid UTF-8. */
    private static byte[] controlCharacters(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('"');
        out.writeBytes("t".getBytes(StandardCharsets.US_ASCII));
        switch (random.nextInt(5)) {
            case 0 -> out.write(random.nextInt(0x20)); // raw control byte: invalid JSON
            case 1 -> out.writeBytes("\\u001b[2J\\u0007\\u0000\\r\\n".getBytes(StandardCharsets.US_ASCII));
            case 2 -> out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0x80});
            case 3 -> out.writeBytes("\u202e\u2028\u0085x".getBytes(StandardCharsets.UTF_8));
            default -> out.writeBytes("\\ud800".getBytes(StandardCharsets.US_ASCII)); // lone surrogate
        }
        out.write('"');
        return out.toByteArray();
    }

    @SafeVarargs
    private static <T> T oneOf(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static byte[] splice(byte[] text, byte[] replacement) {
        byte[] marker = ("\"" + PLACEHOLDER + "\"").getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(text, marker);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + replacement.length);
        out.write(text, 0, at);
        out.writeBytes(replacement);
        out.write(text, at + marker.length, text.length - at - marker.length);
        return out.toByteArray();
    }

    private static int indexOf(byte[] text, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= text.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (text[i + j] != marker[j]) continue outer;
            }
            return i;
        }
        throw new IllegalStateException("placeholder not found");
    }

    private static void replace(Slot slot, JsonNode value) {
        if (slot.parent() instanceof ObjectNode o) {
            o.set(slot.field(), value);
        } else {
            ((ArrayNode) slot.parent()).set(slot.index(), value);
        }
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                slots.add(new Slot(o, e.getKey(), -1, e.getValue()));
                collect(e.getValue(), slots);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                slots.add(new Slot(a, null, i, a.get(i)));
                collect(a.get(i), slots);
            }
        }
    }
}
