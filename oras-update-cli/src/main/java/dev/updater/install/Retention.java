package dev.updater.install;

import dev.updater.schema.SemVer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How many earlier versions stay on disk: {@link InstallOptions#maxHistoryVersions()} and
 * {@link InstallOptions#maxHistoryBytes()}, applied after every committed install and rollback.
 */
final class Retention {
    private final InstallOptions options;
    private final InstallJournal journal;
    private final VersionStore versions;
    private final RollbackPoints points;
    private final CurrentLink current;

    Retention(InstallOptions options, InstallJournal journal, VersionStore versions, RollbackPoints points,
            CurrentLink current) {
        this.options = options;
        this.journal = journal;
        this.versions = versions;
        this.points = points;
        this.current = current;
    }

    /**
     * Removes the oldest earlier versions until at most {@code maxHistoryVersions} remain and they use at most
     * {@code maxHistoryBytes}; never the current version or the newest snapshot. Versions on disk without a
     * snapshot (left by an abandoned install) count as oldest.
     */
    List<SemVer> prune() throws IOException {
        Optional<SemVer> active = current.read();
        List<Snapshot> snapshots = points.list();
        Optional<SemVer> newest = snapshots.stream().max(Comparator.comparing(Snapshot::time)).map(Snapshot::version);
        record Held(SemVer version, Instant time, long bytes) {}
        List<Held> history = new ArrayList<>();
        for (SemVer v : versions.installed()) {
            if (active.equals(Optional.of(v))) continue;
            Instant time = snapshots.stream().filter(s -> s.version().equals(v)).map(Snapshot::time).findFirst()
                    .orElse(Instant.EPOCH);
            history.add(new Held(v, time, versions.record(v).map(InstalledVersion::bytes).orElse(0L)));
        }
        history.sort(Comparator.comparing(Held::time).thenComparing(Held::version));
        long total = history.stream().mapToLong(Held::bytes).sum();
        int count = history.size();
        List<SemVer> pruned = new ArrayList<>();
        for (Held h : history) {
            if (count <= options.maxHistoryVersions() && total <= options.maxHistoryBytes()) break;
            if (newest.equals(Optional.of(h.version()))) continue;
            versions.discard(h.version());
            pruned.add(h.version());
            count--;
            total -= h.bytes();
        }
        if (!pruned.isEmpty()) {
            journal.emit(journal.entry().state(), 0, Optional.empty(), "retention removed " + pruned);
        }
        return pruned;
    }
}
