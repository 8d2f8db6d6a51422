package dev.updater.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code logs/events.jsonl}: a state entered (or a retry, or a failure) with the versions, digests and
 * bytes involved. A failure carries the {@link Failure} kind (which decides the exit code) and its message.
 */
public record InstallEvent(Instant time, String operationId, Operation operation, InstallState state, int attempt,
        Optional<SemVer> fromVersion, Optional<Digest> fromDigest, Optional<SemVer> toVersion,
        Optional<Digest> toDigest, long bytes, Optional<Failure> error, String message) {

    public InstallEvent {
        if (time == null || operationId == null || operation == null || state == null || message == null) {
            throw new IllegalArgumentException("event fields are required");
        }
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("time", time.toString());
        n.put("operation", operation.jsonName());
        n.put("operationId", operationId);
        n.put("state", state.jsonName());
        n.put("attempt", attempt);
        fromVersion.ifPresent(v -> n.put("fromVersion", v.toString()));
        fromDigest.ifPresent(d -> n.put("fromDigest", d.toString()));
        toVersion.ifPresent(v -> n.put("toVersion", v.toString()));
        toDigest.ifPresent(d -> n.put("toDigest", d.toString()));
        n.put("bytes", bytes);
        error.ifPresent(f -> {
            ObjectNode e = n.putObject("error");
            e.put("code", f.name());
            e.put("message", message);
        });
        if (error.isEmpty() && !message.isEmpty()) {
            n.put("message", message);
        }
        return n;
    }

    public String toJsonLine() {
        return new String(Json.writeForDisplay(toJson()), StandardCharsets.UTF_8);
    }
}
