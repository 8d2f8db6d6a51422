package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One TUF metadata file as received: its exact bytes, the parsed {@code signed} part and the signatures.
 *
 * <p>The bytes are kept as they arrived, so storing or forwarding metadata never changes it; {@link #signedBytes()}
 * is the canonical JSON of {@code signed} (unknown fields included) that signatures cover. Nothing here checks a
 * signature against trust: a {@link Root} or {@link Targets} delegator does, through {@code verifyDelegate}.
 */
public final class Metadata<T extends Signed> {
    private final byte[] bytes;
    private final ObjectNode json;
    private final T signed;
    private final List<Signature> signatures;
    private final byte[] signedBytes;

    private Metadata(byte[] bytes, ObjectNode json, T signed, List<Signature> signatures) {
        this.bytes = bytes.clone();
        this.json = json;
        this.signed = signed;
        this.signatures = List.copyOf(signatures);
        this.signedBytes = TufJson.canonical(json.get("signed"));
    }

    public static Metadata<Root> root(byte[] bytes) {
        return parse(bytes, Root.class, Root.TYPE);
    }

    public static Metadata<Timestamp> timestamp(byte[] bytes) {
        return parse(bytes, Timestamp.class, Timestamp.TYPE);
    }

    public static Metadata<SnapshotMetadata> snapshot(byte[] bytes) {
        return parse(bytes, SnapshotMetadata.class, SnapshotMetadata.TYPE);
    }

    /** Top-level or delegated targets metadata. */
    public static Metadata<Targets> targets(byte[] bytes) {
        return parse(bytes, Targets.class, Targets.TYPE);
    }

    /** Parses metadata of any type (by {@code _type}); for tools that inspect files. */
    public static Metadata<? extends Signed> any(byte[] bytes) {
        JsonNode node = Json.parse(bytes, "TUF metadata");
        JsonNode type = node.path("signed").path("_type");
        return switch (type.asText("")) {
            case Root.TYPE -> root(bytes);
            case Timestamp.TYPE -> timestamp(bytes);
            case SnapshotMetadata.TYPE -> snapshot(bytes);
            case Targets.TYPE -> targets(bytes);
            default -> throw new ManifestFormatException("signed._type", "not a TUF metadata type: " + type);
        };
    }

    private static <T extends Signed> Metadata<T> parse(byte[] bytes, Class<T> type, String typeName) {
        JsonNode node = Json.parse(bytes, typeName + " metadata");
        JsonReader reader = JsonReader.root(node);
        JsonReader signedReader = reader.object("signed");
        Signed signed = switch (typeName) {
            case Root.TYPE -> Root.read(signedReader);
            case Timestamp.TYPE -> Timestamp.read(signedReader);
            case SnapshotMetadata.TYPE -> SnapshotMetadata.read(signedReader);
            default -> Targets.read(signedReader);
        };
        List<Signature> signatures = new ArrayList<>();
        Set<String> keyIds = new HashSet<>();
        for (JsonReader s : reader.objectList("signatures")) {
            Signature signature = new Signature(s.string("keyid"), s.string("sig"));
            if (!keyIds.add(signature.keyId())) {
                throw new ManifestFormatException(s.path(), "a second signature by key " + signature.keyId());
            }
            signatures.add(signature);
        }
        return new Metadata<>(bytes, (ObjectNode) node, type.cast(signed), signatures);
    }

    public T signed() {
        return signed;
    }

    public List<Signature> signatures() {
        return signatures;
    }

    /** The exact bytes this metadata was read from: what is stored and forwarded. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Canonical JSON of {@code signed}: the payload every signature covers. */
    public byte[] signedBytes() {
        return signedBytes.clone();
    }

    /** A copy of the whole document as read, unknown fields included. */
    public ObjectNode json() {
        return json.deepCopy();
    }

    /**
     * Re-serialises the document in the reference implementation's layout; for metadata python-tuf wrote this gives
     * back the exact bytes, because every field, known or not, is kept.
     */
    public byte[] toPrettyBytes() {
        return TufJson.pretty(json);
    }

    /** Builds a signed document from a {@code signed} object and signatures over its canonical form. */
    public static byte[] assemble(JsonNode signed, List<Signature> signatures) {
        ObjectNode document = Json.object();
        ArrayNode list = document.putArray("signatures");
        for (Signature s : signatures) {
            list.addObject().put("keyid", s.keyId()).put("sig", s.sig());
        }
        document.set("signed", signed);
        return TufJson.pretty(document);
    }
}
