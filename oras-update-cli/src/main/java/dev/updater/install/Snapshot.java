package dev.updater.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/**
 * An earlier version kept on disk that {@code current} can be switched back to.
 *
 * @param reason {@link Reason#REPLACED} when a newer install replaced it (a default rollback target),
 *               {@link Reason#ROLLED_BACK_FROM} when a rollback left it (reachable with an explicit version only,
 *               so that rolling back twice walks further back instead of toggling)
 */
public record Snapshot(SemVer version, Digest digest, Path path, Instant time, long bytes, Reason reason) {

    public enum Reason { REPLACED, ROLLED_BACK_FROM }

    public Snapshot {
        if (version == null || digest == null || path == null || time == null || reason == null) {
            throw new IllegalArgumentException("snapshot fields are required");
        }
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("version", version.toString());
        n.put("digest", digest.toString());
        n.put("path", path.toString());
        n.put("time", time.toString());
        n.put("bytes", bytes);
        n.put("reason", reason.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return n;
    }

    static Snapshot fromJson(byte[] bytes, String what) {
        JsonNode n = Json.parse(bytes, what);
        return new Snapshot(SemVer.parse(n.path("version").asText()), Digest.parse(n.path("digest").asText()),
                Path.of(n.path("path").asText()), Instant.parse(n.path("time").asText()), n.path("bytes").asLong(),
                Reason.valueOf(n.path("reason").asText().toUpperCase(Locale.ROOT).replace('-', '_')));
    }
}
