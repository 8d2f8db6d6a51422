package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** An entry of timestamp's or snapshot's {@code meta}: the version of a metadata file, optionally length and hashes. */
public record MetaFile(long version, OptionalLong length, Map<String, String> hashes) {
    public MetaFile {
        if (version < 1) throw new IllegalArgumentException("version must be at least 1, got " + version);
        if (length.isPresent() && length.getAsLong() < 0) throw new IllegalArgumentException("negative length");
        hashes = Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
    }

    static MetaFile read(JsonReader r) {
        try {
            OptionalLong length = r.has("length") ? OptionalLong.of(r.nonNegativeLong("length")) : OptionalLong.empty();
            return new MetaFile(r.longValue("version"), length, readHashes(r, false));
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path(), e.getMessage());
        }
    }

    static Map<String, String> readHashes(JsonReader r, boolean required) {
        if (!required && !r.has("hashes")) return Map.of();
        Map<String, String> hashes = new LinkedHashMap<>();
        JsonNode node = r.object("hashes").raw();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw new ManifestFormatException(r.path("hashes." + e.getKey()), "expected a hex string");
            }
            hashes.put(e.getKey(), e.getValue().textValue());
        });
        if (hashes.isEmpty()) throw new ManifestFormatException(r.path("hashes"), "must not be empty");
        return hashes;
    }

    /** Throws {@link LengthOrHashMismatchException} unless {@code data} has the listed length and hashes. */
    public void verifyLengthAndHashes(String what, byte[] data) {
        Hashes.verify(what, data, length, hashes);
    }
}
