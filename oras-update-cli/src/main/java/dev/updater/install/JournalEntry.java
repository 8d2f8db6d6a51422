package dev.updater.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The content of {@code .updater/journal}: which operation runs, the state it has entered, and everything recovery
 * needs to finish or undo it. {@code from} is what {@code current} pointed at before, {@code to} what it should
 * point at afterwards (empty: no version, e.g. a first install whose health check failed).
 *
 * <p>Entries are made only by the factories for the states an operation can start in ({@link #install},
 * {@link #rollback}, {@link #revert}) and by moving an entry on ({@link #enter}, {@link #recovering}); reading one
 * back is {@link #fromJson}. Immutable.
 *
 * <ul>
 * <li>{@code healthCheckPending}: the new version has not yet passed a health check it must pass
 * <li>{@code discardFrom}: a rollback away from a version that failed its health check: delete that version
 *     afterwards
 * <li>{@code recoveringFrom}: for {@link InstallState#RECOVERING}, the state the interrupted operation had reached
 * </ul>
 */
public final class JournalEntry {
    private final String operationId;
    private final Operation operation;
    private final InstallState state;
    private final Optional<InstallState> recoveringFrom;
    private final Optional<SemVer> fromVersion;
    private final Optional<Digest> fromDigest;
    private final Optional<SemVer> toVersion;
    private final Optional<Digest> toDigest;
    private final int attempt;
    private final boolean healthCheckPending;
    private final boolean discardFrom;
    private final Instant time;
    private final String note;

    private JournalEntry(String operationId, Operation operation, InstallState state,
            Optional<InstallState> recoveringFrom, Optional<SemVer> fromVersion, Optional<Digest> fromDigest,
            Optional<SemVer> toVersion, Optional<Digest> toDigest, int attempt, boolean healthCheckPending,
            boolean discardFrom, Instant time, String note) {
        if (operationId == null || operationId.isBlank()) throw new IllegalArgumentException("no operation id");
        if (operation == null || state == null || time == null || note == null) {
            throw new IllegalArgumentException("journal entry fields are required");
        }
        this.operationId = operationId;
        this.operation = operation;
        this.state = state;
        this.recoveringFrom = Objects.requireNonNull(recoveringFrom);
        this.fromVersion = Objects.requireNonNull(fromVersion);
        this.fromDigest = Objects.requireNonNull(fromDigest);
        this.toVersion = Objects.requireNonNull(toVersion);
        this.toDigest = Objects.requireNonNull(toDigest);
        this.attempt = attempt;
        this.healthCheckPending = healthCheckPending;
        this.discardFrom = discardFrom;
        this.time = time;
        this.note = note;
    }

    /** A new install of {@code to}, not yet started ({@link InstallState#IDLE}, nothing written). */
    static JournalEntry install(Optional<SemVer> from, Optional<Digest> fromDigest, SemVer to, Digest toDigest,
            boolean healthCheckPending) {
        return new JournalEntry(newOperationId(), Operation.INSTALL, InstallState.IDLE, Optional.empty(), from,
                fromDigest, Optional.of(to), Optional.of(toDigest), 0, healthCheckPending, false, Instant.now(), "");
    }

    /** A requested rollback from {@code from} (current) to the rollback point {@code to}. */
    static JournalEntry rollback(SemVer from, Optional<Digest> fromDigest, SemVer to, Digest toDigest) {
        return new JournalEntry(newOperationId(), Operation.ROLLBACK, InstallState.ROLLING_BACK, Optional.empty(),
                Optional.of(from), fromDigest, Optional.of(to), Optional.of(toDigest), 0, false, false, Instant.now(),
                "requested");
    }

    /**
     * The rollback that undoes this install (same operation id): away from the version it installed, which is
     * deleted afterwards, back to {@code back} (empty: no version is current afterwards).
     */
    JournalEntry revert(Optional<SemVer> back, Optional<Digest> backDigest, String reason) {
        return new JournalEntry(operationId, Operation.ROLLBACK, InstallState.ROLLING_BACK, Optional.empty(),
                toVersion, toDigest, back, backDigest, attempt, false, true, Instant.now(), reason);
    }

    /** This operation in state {@code next}. */
    JournalEntry enter(InstallState next, int attemptNumber, String why) {
        return new JournalEntry(operationId, operation, next, state == InstallState.RECOVERING ? recoveringFrom
                : Optional.empty(), fromVersion, fromDigest, toVersion, toDigest, attemptNumber, healthCheckPending,
                discardFrom, Instant.now(), why);
    }

    /** This (interrupted) operation being recovered; remembers the state it had reached. */
    JournalEntry recovering() {
        InstallState interrupted = state == InstallState.RECOVERING ? recoveringFrom.orElseThrow() : state;
        return new JournalEntry(operationId, operation, InstallState.RECOVERING, Optional.of(interrupted),
                fromVersion, fromDigest, toVersion, toDigest, attempt, healthCheckPending, discardFrom, Instant.now(),
                "recovering an operation interrupted in state " + interrupted.jsonName());
    }

    public String operationId() {
        return operationId;
    }

    public Operation operation() {
        return operation;
    }

    public InstallState state() {
        return state;
    }

    public Optional<InstallState> recoveringFrom() {
        return recoveringFrom;
    }

    public Optional<SemVer> fromVersion() {
        return fromVersion;
    }

    public Optional<Digest> fromDigest() {
        return fromDigest;
    }

    public Optional<SemVer> toVersion() {
        return toVersion;
    }

    public Optional<Digest> toDigest() {
        return toDigest;
    }

    public int attempt() {
        return attempt;
    }

    public boolean healthCheckPending() {
        return healthCheckPending;
    }

    public boolean discardFrom() {
        return discardFrom;
    }

    public Instant time() {
        return time;
    }

    public String note() {
        return note;
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

    private static String newOperationId() {
        return Long.toHexString(System.currentTimeMillis()) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JournalEntry e && operationId.equals(e.operationId) && operation == e.operation
                && state == e.state && recoveringFrom.equals(e.recoveringFrom) && fromVersion.equals(e.fromVersion)
                && fromDigest.equals(e.fromDigest) && toVersion.equals(e.toVersion) && toDigest.equals(e.toDigest)
                && attempt == e.attempt && healthCheckPending == e.healthCheckPending && discardFrom == e.discardFrom
                && time.equals(e.time) && note.equals(e.note);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operationId, operation, state, recoveringFrom, fromVersion, fromDigest, toVersion,
                toDigest, attempt, healthCheckPending, discardFrom, time, note);
    }

    @Override
    public String toString() {
        return "JournalEntry[operationId=" + operationId + ", operation=" + operation + ", state=" + state
                + ", recoveringFrom=" + recoveringFrom + ", fromVersion=" + fromVersion + ", fromDigest=" + fromDigest
                + ", toVersion=" + toVersion + ", toDigest=" + toDigest + ", attempt=" + attempt
                + ", healthCheckPending=" + healthCheckPending + ", discardFrom=" + discardFrom + ", time=" + time
                + ", note=" + note + "]";
    }
}
