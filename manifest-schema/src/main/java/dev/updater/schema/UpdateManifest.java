package dev.updater.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The update manifest ({@value MediaTypes#UPDATE_MANIFEST}): the config blob of a release, saying which product and
 * version it is and what each target installs. SPEC.md documents every field; the JSON Schema in this module's
 * resources says the same in machine-readable form.
 */
public record UpdateManifest(UUID updateId, String product, SemVer version, Instant created, List<String> channels,
        Map<String, TargetPayload> targets) {

    public static final int SCHEMA_VERSION = 1;
    /** Far above any real manifest; refusing larger ones keeps a hostile registry from exhausting memory. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    private static final Set<String> FIELDS = Set.of("schemaVersion", "mediaType", "updateId", "product", "version",
            "created", "channels", "targets");
    private static final Pattern PRODUCT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
    /** Target ids and channels become parts of tags and paths: the OCI tag alphabet, no leading dot or dash. */
    private static final Pattern TARGET_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    public UpdateManifest {
        if (updateId == null) throw new IllegalArgumentException("updateId is required");
        if (product == null || !PRODUCT.matcher(product).matches()) {
            throw new IllegalArgumentException("product must match " + PRODUCT.pattern() + ": " + product);
        }
        if (version == null) throw new IllegalArgumentException("version is required");
        if (created == null) throw new IllegalArgumentException("created is required");
        channels = List.copyOf(channels);
        for (String c : channels) {
            if (!isValidChannel(c)) throw new IllegalArgumentException("invalid channel name: " + c);
        }
        if (targets.isEmpty()) throw new IllegalArgumentException("a release needs at least one target");
        for (String id : targets.keySet()) {
            if (!isValidTargetId(id)) throw new IllegalArgumentException("invalid target id: " + id);
        }
        targets = Map.copyOf(targets);
    }

    public static boolean isValidTargetId(String id) {
        return id != null && TARGET_ID.matcher(id).matches();
    }

    public static boolean isValidChannel(String channel) {
        return channel != null && TARGET_ID.matcher(channel).matches() && !SemVer.isValid(channel.replace('_', '+'));
    }

    public static boolean isValidProduct(String product) {
        return product != null && PRODUCT.matcher(product).matches();
    }

    public Optional<TargetPayload> target(String id) {
        return Optional.ofNullable(targets.get(id));
    }

    /** Targets sorted by id: the order in which they appear in JSON, layers and listings. */
    public Map<String, TargetPayload> sortedTargets() {
        return new TreeMap<>(targets);
    }

    public UpdateManifest withTarget(String id, TargetPayload payload) {
        Map<String, TargetPayload> copy = new LinkedHashMap<>(targets);
        copy.put(id, payload);
        return new UpdateManifest(updateId, product, version, created, channels, copy);
    }

    public byte[] toBytes() {
        ObjectNode n = Json.object();
        n.put("schemaVersion", SCHEMA_VERSION);
        n.put("mediaType", MediaTypes.UPDATE_MANIFEST);
        n.put("updateId", updateId.toString());
        n.put("product", product);
        n.put("version", version.toString());
        n.put("created", DateTimeFormatter.ISO_INSTANT.format(created));
        ArrayNode c = n.putArray("channels");
        channels.forEach(c::add);
        ObjectNode t = n.putObject("targets");
        sortedTargets().forEach((id, payload) -> t.set(id, payload.toJson()));
        return Json.write(n);
    }

    /**
     * Strict parse: an unknown schema version or media type, a missing or extra field, a malformed digest, version,
     * UUID or time, or a document over {@link #MAX_BYTES} is a {@link ManifestFormatException} naming the field.
     */
    public static UpdateManifest parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new ManifestFormatException("$", "update manifest is " + bytes.length + " bytes, over the limit of "
                    + MAX_BYTES);
        }
        JsonReader r = JsonReader.root(Json.parse(bytes, "update manifest"));
        int schemaVersion = r.intValue("schemaVersion");
        if (schemaVersion != SCHEMA_VERSION) {
            throw new ManifestFormatException("schemaVersion", "unsupported schema version " + schemaVersion
                    + " (this client reads " + SCHEMA_VERSION + "; a newer release may need a newer client)");
        }
        String mediaType = r.string("mediaType");
        if (!mediaType.equals(MediaTypes.UPDATE_MANIFEST)) {
            throw new ManifestFormatException("mediaType", "expected " + MediaTypes.UPDATE_MANIFEST + ", found "
                    + JsonReader.abbreviate(mediaType));
        }
        r.onlyFields(FIELDS);
        UUID updateId;
        try {
            String text = r.string("updateId");
            updateId = UUID.fromString(text);
            if (!updateId.toString().equals(text.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException(text);
            }
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException("updateId", "not a UUID in its canonical 8-4-4-4-12 form");
        }
        String product = r.string("product");
        if (!PRODUCT.matcher(product).matches()) {
            throw new ManifestFormatException("product", "must match " + PRODUCT.pattern() + ", found "
                    + JsonReader.abbreviate(product));
        }
        String version = r.string("version");
        if (!SemVer.isValid(version)) {
            throw new ManifestFormatException("version", "not a semantic version (semver.org 2.0.0): "
                    + JsonReader.abbreviate(version));
        }
        Instant created;
        try {
            created = java.time.OffsetDateTime.parse(r.string("created")).toInstant();
        } catch (DateTimeParseException e) {
            throw new ManifestFormatException("created", "not an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
        List<String> channels = r.stringList("channels");
        for (int i = 0; i < channels.size(); i++) {
            if (!isValidChannel(channels.get(i))) {
                throw new ManifestFormatException("channels[" + i + "]", "not a valid channel name (tag characters, "
                        + "not a version): " + JsonReader.abbreviate(channels.get(i)));
            }
        }
        Map<String, TargetPayload> targets = new LinkedHashMap<>();
        for (Map.Entry<String, JsonReader> e : r.objectMap("targets").entrySet()) {
            if (!isValidTargetId(e.getKey())) {
                throw new ManifestFormatException(e.getValue().path(), "not a valid target id (letters, digits, "
                        + "'.', '_', '-'; at most 128)");
            }
            targets.put(e.getKey(), TargetPayload.read(e.getValue()));
        }
        if (targets.isEmpty()) {
            throw new ManifestFormatException("targets", "a release needs at least one target");
        }
        return new UpdateManifest(updateId, product, SemVer.parse(version), created, channels, targets);
    }
}
