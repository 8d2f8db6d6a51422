package dev.updater.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.time.Instant;
import java.util.Optional;

/**
 * The content of {@code .updater/journal}: which operation runs, the state it has entered, and everything recovery
 * needs to finish or undo it. {@code from} is what {@code current} pointed at before, {@code to} what it should
 * point at afterwards (empty: no version, e.g. a first install whose health check failed).
 *
 * @param healthCheckPending the new version has not yet passed a health check it must pass
 * @param discardFrom a rollback away from a version that failed its health check: delete that version afterwards
 * @param recoveringFrom for {@link InstallState#RECOVERING}, the state the interrupted operation had reached
 */
public record JournalEntry(String operationId, Operation operation, InstallState state,
        Optional<InstallState> recoveringFrom, Optional<SemVer> fromVersion, Optional<Digest> fromDigest,
        Optional<SemVer> toVersion, Optional<Digest> toDigest, int attempt, boolean healthCheckPending,
        boolean discardFrom, Instant time, String note) {

    public JournalEntry {
        if (operationId == null || operationId.isBlank()) throw new IllegalArgumentException("no operation id");
        if (operation == null || state == null || time == null || note == null) {
            throw new IllegalArgumentException("journal entry fields are required");
        }
    }

    JournalEntry enter(InstallState next, int attemptNumber, String why) {
        return new JournalEntry(operationId, operation, next, state == InstallState.RECOVERING ? recoveringFrom
                : Optional.empty(), fromVersion, fromDigest, toVersion, toDigest, attemptNumber, healthCheckPending,
                discardFrom, Instant.now(), why);
    }

    JournalEntry recovering() {
        InstallState interrupted = state == InstallState.RECOVERING ? recoveringFrom.orElseThrow() : state;
        return new JournalEntry(operationId, operation, InstallState.RECOVERING, Optional.of(interrupted),
                fromVersion, fromDigest, toVersion, toDigest, attempt, healthCheckPending, discardFrom, Instant.now(),
                "recovering an operation interrupted in state " + interrupted.jsonName());
    }

    byte[] toJsonBytes() {
        ObjectNode n = Json.object();
        n.put("operationId", operationId);
        n.put("operation", operation.jsonName());
        n.put("state", state.jsonName());
        recoveringFrom.ifPresent(s -> n.put("recoveringFrom", s.jsonName()));
        fromVersion.ifPresent(v -> n.put("fromVersion", v.toString()));
        fromDigest.ifPresent(d -> n.put("fromDigest", d.toString()));
        toVersion.ifPresent(v -> n.put("toVersion", v.toString()));
        toDigest.ifPresent(d -> n.put("toDigest", d.toString()));
        n.put("attempt", attempt);
        n.put("healthCheckPending", healthCheckPending);
        n.put("discardFrom", discardFrom);
        n.put("time", time.toString());
        n.put("note", note);
        return Json.writePretty(n);
    }

    static JournalEntry fromJson(byte[] bytes) {
        JsonNode n = Json.parse(bytes, "install journal");
        return new JournalEntry(n.path("operationId").asText(), Operation.fromJsonName(n.path("operation").asText()),
                InstallState.fromJsonName(n.path("state").asText()),
                text(n, "recoveringFrom").map(InstallState::fromJsonName), text(n, "fromVersion").map(SemVer::parse),
                text(n, "fromDigest").map(Digest::parse), text(n, "toVersion").map(SemVer::parse),
                text(n, "toDigest").map(Digest::parse), n.path("attempt").asInt(),
                n.path("healthCheckPending").asBoolean(), n.path("discardFrom").asBoolean(),
                Instant.parse(n.path("time").asText()), n.path("note").asText(""));
    }

    private static Optional<String> text(JsonNode n, String field) {
        return n.hasNonNull(field) ? Optional.of(n.get(field).asText()) : Optional.empty();
    }
}
