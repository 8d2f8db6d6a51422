package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Installer#open} does after taking the lock: ends logs torn by a crash, finishes or undoes the
 * operation an unfinished journal describes, and removes the debris only an interrupted operation leaves. Every
 * step is idempotent, so recovery may itself be interrupted and run again.
 */
final class Recovery {
    private final InstallLayout layout;
    private final InstallJournal journal;
    private final VersionStore versions;
    private final RollbackPoints points;
    private final CurrentLink current;
    private final DownloadArea downloads;
    private final Rollbacks rollbacks;
    private final Retention retention;

    Recovery(InstallLayout layout, InstallJournal journal, VersionStore versions, RollbackPoints points,
            CurrentLink current, DownloadArea downloads, Rollbacks rollbacks, Retention retention) {
        this.layout = layout;
        this.journal = journal;
        this.versions = versions;
        this.points = points;
        this.current = current;
        this.downloads = downloads;
        this.rollbacks = rollbacks;
        this.retention = retention;
    }

    /** Recovers the install root; returns what was done when the journal showed an unfinished operation. */
    Optional<String> startUp() throws IOException {
        Durable.terminateTornLine(layout.eventsLog());
        Durable.terminateTornLine(layout.rollbackLog());
        Optional<String> report = recover();
        removeLeftovers();
        return report;
    }

    /** Before the switch nothing installed has changed: removes what an install of {@code version} created. */
    void cleanUpAbandoned(SemVer version) throws IOException {
        PosixFiles.deleteTree(layout.staging(version));
        downloads.clear(true);
        if (Files.exists(layout.versionDir(version), LinkOption.NOFOLLOW_LINKS)
                && !current.read().equals(Optional.of(version)) && !versions.verify(version)) {
            versions.discard(version);
        }
    }

    /** Finishes or undoes the operation an unfinished journal describes. */
    private Optional<String> recover() throws IOException {
        Optional<JournalEntry> found;
        try {
            found = InstallJournal.read(layout);
        } catch (ManifestFormatException | IllegalArgumentException e) {
            throw new InstallStateException("the journal " + layout.journal() + " is unreadable (" + e.getMessage()
                    + "); it is written atomically, so something else changed it: inspect the install root, then "
                    + "delete the journal to continue", e);
        }
        if (found.isEmpty() || found.get().state().isTerminal()) {
            return Optional.empty();
        }
        JournalEntry interrupted = found.get();
        InstallState state = interrupted.state() == InstallState.RECOVERING
                ? interrupted.recoveringFrom().orElse(InstallState.FETCHING) : interrupted.state();
        journal.begin(interrupted.recovering());
        journal.emit(InstallState.RECOVERING, 0, Optional.empty(), journal.entry().note());
        CrashHooks.point("journal:recovering");
        String outcome;
        if (interrupted.operation() == Operation.ROLLBACK) {
            outcome = recoverRollback(interrupted);
        } else {
            outcome = recoverInstall(interrupted, state);
        }
        journal.emit(journal.entry().state(), 0, Optional.empty(), outcome);
        return Optional.of(outcome);
    }

    private String recoverRollback(JournalEntry rollback) throws IOException {
        Optional<SemVer> target = rollback.toVersion();
        if (target.isPresent() && !versions.verify(target.get())) {
            Optional<SemVer> back = rollback.fromVersion().filter(versions::verifiesQuietly);
            current.pointAt(back, rollback.operationId());
            journal.finish(InstallState.FAILED, "interrupted rollback could not reach " + target.get() + " (damaged)");
            return "rollback to " + target.get() + " could not complete: it is damaged; current is "
                    + back.map(SemVer::toString).orElse("(none)");
        }
        rollbacks.complete(rollback, rollback.note().isEmpty() ? "requested" : rollback.note());
        // A rollback that reverts a failed install ends that install as failed, a requested one as committed.
        journal.finish(rollback.discardFrom() ? InstallState.FAILED : InstallState.COMMITTED,
                "rollback completed by recovery");
        return "completed the interrupted rollback: current is " + target.map(SemVer::toString).orElse("(none)");
    }

    private String recoverInstall(JournalEntry install, InstallState state) throws IOException {
        SemVer to = install.toVersion().orElseThrow();
        Optional<SemVer> from = install.fromVersion();
        switch (state) {
            case SWITCHING -> {
                if (!versions.verify(to)) {
                    return revert(install, to + " is incomplete or damaged");
                }
                if (install.healthCheckPending()) {
                    return revert(install, "its health check never ran");
                }
                current.pointAt(Optional.of(to), install.operationId());
                rollbacks.recordSwitch(from, install.fromDigest(), to);
                journal.finish(InstallState.COMMITTED, "switch completed by recovery");
                retention.prune();
                return "completed the interrupted switch: current is " + to;
            }
            case CHECKING -> {
                return revert(install, "its health check was interrupted");
            }
            default -> {
                // Nothing was switched yet: current is still the previous version.
                if (!current.read().equals(from) && from.filter(versions::verifiesQuietly).isPresent()) {
                    current.pointAt(from, install.operationId());
                }
                cleanUpAbandoned(to);
                journal.finish(InstallState.FAILED, "install of " + to + " interrupted while " + state.jsonName()
                        + "; abandoned by recovery");
                return "abandoned the install of " + to + " interrupted while " + state.jsonName() + "; current is "
                        + from.map(SemVer::toString).orElse("(none)");
            }
        }
    }

    private String revert(JournalEntry install, String why) throws IOException {
        SemVer to = install.toVersion().orElseThrow();
        Optional<SemVer> back = install.fromVersion().filter(versions::verifiesQuietly);
        journal.begin(install.revert(back, back.flatMap(versions::record).map(InstalledVersion::payloadDigest),
                "recovery: " + why));
        rollbacks.complete(journal.entry(), journal.entry().note());
        journal.finish(InstallState.FAILED, "install of " + to + " reverted by recovery: " + why);
        return "reverted the install of " + to + " (" + why + "); current is "
                + back.map(SemVer::toString).orElse("(none)");
    }

    /**
     * Debris that only an interrupted operation leaves: staging and trash directories, temp links, partials, the
     * temporary files of durable writes.
     */
    private void removeLeftovers() throws IOException {
        for (Path dir : List.of(layout.stateDir(), layout.snapshots(), layout.installedRecords())) {
            Durable.removeTemporaries(dir);
        }
        versions.removeStagingAndTrash();
        current.removeLeftovers();
        downloads.clear(true);
        points.removeDangling(current.read());
        versions.removeOrphanRecords();
    }
}
