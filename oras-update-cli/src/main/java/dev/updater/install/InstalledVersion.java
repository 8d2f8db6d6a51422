package dev.updater.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The record kept in {@code .updater/installed/<version>.json} for each version directory: the payload it came from
 * and every entry it must contain. A directory is trusted only while its listing equals this record.
 */
public record InstalledVersion(SemVer version, Digest payloadDigest, long payloadSize, PayloadKind kind,
        Instant installedAt, List<InstalledFile> files) {

    public InstalledVersion {
        files = List.copyOf(files);
    }

    /** Bytes the version directory uses (regular files only). */
    public long bytes() {
        return files.stream().filter(f -> f.type() == InstalledFile.Type.FILE).mapToLong(InstalledFile::size).sum();
    }

    byte[] toJsonBytes() {
        ObjectNode n = Json.object();
        n.put("version", version.toString());
        n.put("digest", payloadDigest.toString());
        n.put("size", payloadSize);
        n.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        n.put("installedAt", installedAt.toString());
        ArrayNode list = n.putArray("files");
        files.forEach(f -> list.add(f.toJson()));
        return Json.writePretty(n);
    }

    static InstalledVersion fromJson(byte[] bytes, String what) {
        JsonNode n = Json.parse(bytes, what);
        List<InstalledFile> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(InstalledFile.fromJson(f)));
        return new InstalledVersion(SemVer.parse(n.path("version").asText()), Digest.parse(n.path("digest").asText()),
                n.path("size").asLong(), PayloadKind.valueOf(n.path("kind").asText().toUpperCase(java.util.Locale.ROOT)),
                Instant.parse(n.path("installedAt").asText()), files);
    }
}
