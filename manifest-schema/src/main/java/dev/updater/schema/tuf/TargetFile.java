package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of targets metadata: the target path, its exact length and hashes (in document order: the first one
 * names the file under consistent snapshots), and the raw entry for {@code custom} fields.
 */
public record TargetFile(String path, long length, Map<String, String> hashes, JsonNode json) {
    public TargetFile {
        if (path == null) throw new IllegalArgumentException("path is required");
        if (length < 0) throw new IllegalArgumentException("negative length");
        if (hashes.isEmpty()) throw new IllegalArgumentException("a target needs at least one hash");
        hashes = Collections.unmodifiableMap(new LinkedHashMap<>(hashes));
    }

    static TargetFile read(String path, JsonReader r) {
        try {
            return new TargetFile(path, r.nonNegativeLong("length"), MetaFile.readHashes(r, true), r.raw());
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path(), e.getMessage());
        }
    }

    public Optional<JsonNode> custom() {
        return Optional.ofNullable(json.get("custom"));
    }

    public Hashes newHashCheck() {
        return new Hashes("target '" + path + "'", hashes);
    }

    public void verifyLengthAndHashes(byte[] data) {
        Hashes.verify("target '" + path + "'", data, OptionalLong.of(length), hashes);
    }
}
