package dev.updater.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Switching {@code current} between versions and keeping the rollback points in step: a requested rollback to a
 * snapshot, the bookkeeping after an install's switch, and the idempotent part of every rollback (a requested one,
 * the revert of a failed install, one finished by recovery), which ends in {@code logs/rollback.log}.
 */
final class Rollbacks {
    private final InstallLayout layout;
    private final InstallJournal journal;
    private final VersionStore versions;
    private final RollbackPoints points;
    private final CurrentLink current;
    private final Retention retention;

    Rollbacks(InstallLayout layout, InstallJournal journal, VersionStore versions, RollbackPoints points,
            CurrentLink current, Retention retention) {
        this.layout = layout;
        this.journal = journal;
        this.versions = versions;
        this.points = points;
        this.current = current;
        this.retention = retention;
    }

    /** See {@link Installer#rollback}. */
    RollbackResult rollback(Optional<SemVer> to) {
        try {
            return doRollback(to);
        } catch (IOException | LocalFileException e) {
            throw new InstallIoException("rollback in " + layout.root() + " failed: " + e
                    + "; the journal is kept and the next run recovers", e);
        }
    }

    private RollbackResult doRollback(Optional<SemVer> to) throws IOException {
        SemVer from = current.read().orElseThrow(() -> new InstallStateException("nothing is installed in "
                + layout.root() + ", so there is nothing to roll back"));
        Optional<Digest> fromDigest = versions.record(from).map(InstalledVersion::payloadDigest);
        List<Snapshot> snapshots = points.list();
        String available = snapshots.isEmpty() ? "there are no snapshots"
                : "snapshots: " + snapshots.stream().map(s -> s.version().toString()).collect(Collectors.joining(", "));
        Snapshot target;
        if (to.isPresent()) {
            if (to.get().equals(from)) {
                throw new InstallStateException("version " + from + " is already current; nothing to roll back");
            }
            target = snapshots.stream().filter(s -> s.version().equals(to.get())).findFirst()
                    .orElseThrow(() -> new InstallStateException("no snapshot of version " + to.get() + " in "
                            + layout.root() + " (" + available + "); pick one of those with --to"));
        } else {
            target = snapshots.stream().filter(s -> s.reason() == Snapshot.Reason.REPLACED)
                    .filter(s -> !s.version().equals(from)).max(Comparator.comparing(Snapshot::time))
                    .orElseThrow(() -> new InstallStateException("no earlier version to roll back to from " + from
                            + " (" + available + ")" + (snapshots.isEmpty() ? ""
                            : "; name one explicitly with --to VERSION")));
        }
        Optional<InstalledVersion> record = versions.record(target.version());
        if (record.isEmpty() || !record.get().payloadDigest().equals(target.digest())
                || !versions.verify(target.version())) {
            throw new InstallVerificationException("snapshot " + target.version() + " no longer matches its digest "
                    + target.digest() + " (files changed or missing under " + target.path() + "); current stays "
                    + from + ". Reinstall " + target.version() + " with 'update pull' instead");
        }
        journal.begin(JournalEntry.rollback(from, fromDigest, target.version(), target.digest()));
        journal.emit(InstallState.ROLLING_BACK, 0, Optional.empty(), "");
        CrashHooks.point("journal:rolling-back");
        complete(journal.entry(), "requested");
        journal.transition(InstallState.COMMITTED, 0, "rolled back", 0);
        List<SemVer> pruned = retention.prune();
        return new RollbackResult(from, fromDigest, target.version(), target.digest(), journal.entry().time(),
                pruned);
    }

    /** After switching from {@code from} to {@code to}: the old one becomes the newest snapshot. */
    void recordSwitch(Optional<SemVer> from, Optional<Digest> fromDigest, SemVer to) throws IOException {
        points.remove(to);
        if (from.isPresent() && !from.get().equals(to) && fromDigest.isPresent()) {
            versions.keepAsRollbackPoint(from.get(), fromDigest.get(), Snapshot.Reason.REPLACED);
        }
    }

    /** The idempotent part of every rollback: safe to run again after a crash in the middle of it. */
    void complete(JournalEntry rollback, String reason) throws IOException {
        Optional<SemVer> target = rollback.toVersion();
        Optional<SemVer> left = rollback.fromVersion();
        current.pointAt(target, rollback.operationId());
        if (target.isPresent()) {
            points.remove(target.get());
        }
        if (left.isPresent() && !left.equals(target)) {
            if (rollback.discardFrom()) {
                versions.discard(left.get());
            } else if (rollback.fromDigest().isPresent()) {
                versions.keepAsRollbackPoint(left.get(), rollback.fromDigest().get(),
                        Snapshot.Reason.ROLLED_BACK_FROM);
            }
        }
        appendLog(rollback, reason);
    }

    private void appendLog(JournalEntry rollback, String reason) throws IOException {
        String marker = "\"operationId\":\"" + rollback.operationId() + "\"";
        if (Files.exists(layout.rollbackLog())
                && Files.readAllLines(layout.rollbackLog(), StandardCharsets.UTF_8).stream()
                        .anyMatch(l -> l.contains(marker))) {
            return; // logged before a crash interrupted the rest
        }
        ObjectNode line = Json.object();
        line.put("time", Instant.now().toString());
        line.put("operationId", rollback.operationId());
        putOrNull(line, "from", rollback.fromVersion().map(SemVer::toString));
        putOrNull(line, "to", rollback.toVersion().map(SemVer::toString));
        putOrNull(line, "fromSha256", rollback.fromDigest().map(Digest::toString));
        putOrNull(line, "toSha256", rollback.toDigest().map(Digest::toString));
        line.put("reason", reason);
        Durable.appendLine(layout.rollbackLog(), new String(Json.writeForDisplay(line), StandardCharsets.UTF_8), true);
    }

    private static void putOrNull(ObjectNode node, String field, Optional<String> value) {
        if (value.isPresent()) {
            node.put(field, value.get());
        } else {
            node.putNull(field);
        }
    }
}
