package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.JsonReader;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Snapshot metadata, the TUF role {@code snapshot}: the version (and optionally length and hashes) of every targets
 * metadata file.
 */
public record SnapshotMetadata(long version, String specVersion, Instant expires, Map<String, MetaFile> meta,
        JsonNode json) implements Signed {
    public static final String TYPE = "snapshot";

    public SnapshotMetadata {
        meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    }

    @Override
    public String type() {
        return TYPE;
    }

    static SnapshotMetadata read(JsonReader r) {
        SignedHeader header = SignedHeader.read(r, TYPE);
        Map<String, MetaFile> meta = new LinkedHashMap<>();
        r.objectMap("meta").forEach((file, entry) -> meta.put(file, MetaFile.read(entry)));
        return new SnapshotMetadata(header.version(), header.specVersion(), header.expires(), meta, r.raw());
    }

    /** The entry for a targets role ({@code targets} or a delegated role name). */
    public Optional<MetaFile> metaFor(String roleName) {
        return Optional.ofNullable(meta.get(roleName + ".json"));
    }
}
