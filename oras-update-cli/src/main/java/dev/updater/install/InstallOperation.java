package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.SemVer;
import dev.updater.schema.UpdaterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One install, state by state (see {@link InstallState}): policy checks and the space check, fetching into the
 * download area, validating, applying through the kind's {@link PayloadInstaller} into a staging directory that is
 * renamed into the {@link VersionStore}, switching the {@link CurrentLink}, the health check (a failure reverts),
 * committing and retention. A failure before the switch removes what this install created.
 */
final class InstallOperation {
    private static final String KEEP_JOURNAL = "the journal is kept and the next run recovers";

    private final InstallLayout layout;
    private final InstallOptions options;
    private final InstallJournal journal;
    private final VersionStore versions;
    private final CurrentLink current;
    private final DownloadArea downloads;
    private final Rollbacks rollbacks;
    private final Retention retention;
    private final Recovery recovery;

    InstallOperation(InstallLayout layout, InstallOptions options, InstallJournal journal, VersionStore versions,
            CurrentLink current, DownloadArea downloads, Rollbacks rollbacks, Retention retention,
            Recovery recovery) {
        this.layout = layout;
        this.options = options;
        this.journal = journal;
        this.versions = versions;
        this.current = current;
        this.downloads = downloads;
        this.rollbacks = rollbacks;
        this.retention = retention;
        this.recovery = recovery;
    }

    /** See {@link Installer#install}. */
    InstallResult run(InstallRequest request, PayloadSource source) {
        String what = "installing " + request.version() + " into " + layout.root();
        try {
            return install(request, source);
        } catch (IOException e) {
            throw LocalFileSystem.failure(layout, what, e, spaceNeeded(request), KEEP_JOURNAL);
        } catch (UpdaterException e) {
            // The download's own failure ("cannot write ...", kind INTERNAL) says where, not that the disk is full
            // or read-only, nor how much space the install needs.
            if (!(e instanceof InstallIoException) && LocalFileSystem.isLocalWriteFailure(e)) {
                throw LocalFileSystem.failure(layout, what, e, spaceNeeded(request), KEEP_JOURNAL);
            }
            throw e;
        }
    }

    /** See {@link Installer#confirmCurrent}. */
    Optional<InstallResult> confirmCurrent(SemVer version, Digest payloadDigest) {
        try {
            Optional<SemVer> from = current.read();
            Optional<Digest> fromDigest = from.flatMap(versions::record).map(InstalledVersion::payloadDigest);
            if (!from.equals(Optional.of(version)) || !fromDigest.equals(Optional.of(payloadDigest))) {
                return Optional.empty();
            }
            return Optional.of(alreadyCurrent(JournalEntry.install(from, fromDigest, version, payloadDigest,
                    options.healthCheck().isPresent()), version, payloadDigest, from));
        } catch (IOException e) {
            throw LocalFileSystem.failure(layout, "reading the current version of " + layout.root(), e, 0,
                    KEEP_JOURNAL);
        }
    }

    private InstallResult alreadyCurrent(JournalEntry start, SemVer version, Digest payloadDigest,
            Optional<SemVer> from) {
        String message = "version " + version + " is already current; nothing to do";
        journal.emit(start, InstallState.IDLE, 0, Optional.empty(), message);
        return new InstallResult(InstallResult.Outcome.ALREADY_CURRENT, version, payloadDigest, from,
                layout.versionDir(version), 0, List.of(), message);
    }

    /** The download plus the version directory made from it (for a tar, its declared extracted size). */
    private static long spaceNeeded(InstallRequest request) {
        return request.size() + PayloadInstallers.forKind(request.kind()).versionBytes(request);
    }

    private InstallResult install(InstallRequest request, PayloadSource source) throws IOException {
        SemVer version = request.version();
        Optional<SemVer> from = current.read();
        Optional<Digest> fromDigest = from.flatMap(versions::record).map(InstalledVersion::payloadDigest);
        JournalEntry start = JournalEntry.install(from, fromDigest, version, request.payloadDigest(),
                options.healthCheck().isPresent());

        if (from.isPresent() && from.get().equals(version)) {
            if (fromDigest.equals(Optional.of(request.payloadDigest()))) {
                return alreadyCurrent(start, version, request.payloadDigest(), from);
            }
            throw refuse(start, "version " + version + " is installed with digest " + fromDigest.map(Digest::toString)
                    .orElse("(unknown)") + " but this release has " + request.payloadDigest()
                    + "; a version's content must not change: publish it as a new version");
        }
        if (version.isPrerelease() && !options.allowPrerelease()) {
            throw refuse(start, version + " is a prerelease; pass --allow-prerelease to install it");
        }
        if (from.isPresent() && version.compareTo(from.get()) < 0 && !options.allowDowngrade()) {
            throw refuse(start, version + " is lower than the current version " + from.get()
                    + "; pass --allow-downgrade to install it anyway, or 'update rollback' to return to a snapshot");
        }

        if (!hasRecord(request)) {
            try {
                LocalFileSystem.requireSpace(layout, version.toString(), spaceNeeded(request));
            } catch (InstallIoException noSpace) {
                try {
                    journal.emit(start, InstallState.FAILED, 0, Optional.of(noSpace.failure()), noSpace.getMessage());
                } catch (InstallIoException alsoFull) {
                    noSpace.addSuppressed(alsoFull); // the log may not fit either: the refusal is what matters
                }
                throw noSpace;
            }
        }
        journal.adopt(start);
        long bytes = 0;
        try {
            if (hasRecord(request) && versions.verify(version)) {
                journal.transition(InstallState.VALIDATING, 0,
                        "version directory already present and verified: reusing it", 0);
            } else {
                Path download = downloads.fetch(request, source);
                bytes = Files.size(download);
                journal.transition(InstallState.VALIDATING, journal.entry().attempt(), "", bytes);
                validateDownload(request, download, source.checksWhileWriting());
                journal.transition(InstallState.APPLYING, journal.entry().attempt(), "", bytes);
                apply(request, download);
                Files.deleteIfExists(download);
            }
        } catch (RuntimeException | IOException e) {
            abandon(e);
            throw e;
        }

        journal.transition(InstallState.SWITCHING, journal.entry().attempt(), "", bytes);
        current.pointAt(Optional.of(version), journal.entry().operationId());
        rollbacks.recordSwitch(from, fromDigest, version);
        CrashHooks.point("switch:recorded");
        if (options.healthCheck().isPresent()) {
            journal.transition(InstallState.CHECKING, journal.entry().attempt(), "", bytes);
            Optional<String> failure = HealthCheckRunner.run(options.healthCheck().get(), layout, version);
            if (failure.isPresent()) {
                String reason = "health check failed: " + failure.get();
                revert(reason);
                String restored = from.map(v -> "version " + v + " was restored").orElse("no version is current now");
                String message = "version " + version + " failed its health check (" + failure.get() + "); "
                        + restored + ". The check's output is in " + layout.healthLog();
                journal.emit(InstallState.FAILED, bytes, Optional.of(Failure.HEALTH_CHECK), message);
                throw new HealthCheckFailedException(message);
            }
        }
        journal.transition(InstallState.COMMITTED, journal.entry().attempt(), "installed", bytes);
        downloads.clear(false);
        List<SemVer> pruned = retention.prune();
        String message = "installed " + version + from.map(v -> " (previous: " + v + ")").orElse("");
        return new InstallResult(InstallResult.Outcome.INSTALLED, version, request.payloadDigest(), from,
                layout.versionDir(version), bytes, pruned, message);
    }

    private InstallStateException refuse(JournalEntry entry, String message) {
        journal.emit(entry, InstallState.FAILED, 0, Optional.of(Failure.STATE), message);
        return new InstallStateException(message);
    }

    /** Whether the version is recorded with this payload (its directory may then be reused, once verified). */
    private boolean hasRecord(InstallRequest request) {
        return versions.record(request.version()).filter(r -> r.payloadDigest().equals(request.payloadDigest()))
                .isPresent();
    }

    /** Size and digest; the digest only when the source did not check it while writing (one hash per byte). */
    private void validateDownload(InstallRequest request, Path download, boolean checkedWhileWriting)
            throws IOException {
        long size = Files.size(download);
        Digest actual = size == request.size() && checkedWhileWriting ? request.payloadDigest()
                : TreeListing.sha256(download);
        if (size != request.size() || !actual.equals(request.payloadDigest())) {
            Files.deleteIfExists(download);
            throw new InstallVerificationException("the payload of " + request.version() + " does not match its "
                    + "manifest: expected " + request.payloadDigest() + " (" + request.size() + " bytes), got "
                    + actual + " (" + size + " bytes); it was deleted and nothing was installed");
        }
    }

    /** Builds {@code versions/.staging-V}, checks it, records it and renames it to {@code versions/V}. */
    private void apply(InstallRequest request, Path download) throws IOException {
        SemVer version = request.version();
        Path staging = layout.staging(version);
        PosixFiles.deleteTree(staging);
        // A refused payload must leave no trace: it is checked before the staging directory exists.
        PayloadInstaller.Build build = PayloadInstallers.forKind(request.kind()).check(request, download);
        Files.createDirectory(staging);
        PayloadInstaller.Built built = build.into(staging);
        if (!built.installed().equals(request.payloadDigest())) {
            PosixFiles.deleteTree(staging);
            throw new InstallVerificationException("the installed copy of " + version + " hashes to "
                    + built.installed() + " instead of " + request.payloadDigest()
                    + "; the disk may be failing; nothing was switched");
        }
        fsyncDirectories(staging);
        InstalledVersion record = new InstalledVersion(version, request.payloadDigest(), request.size(),
                request.kind(), Instant.now(), built.files());
        CrashHooks.point("apply:staged");
        versions.publish(staging, record);
    }

    private static void fsyncDirectories(Path root) throws IOException {
        try (var dirs = Files.walk(root)) {
            for (Path dir : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Durable.syncDirectory(dir);
            }
        }
    }

    /** Before the switch nothing installed has changed: remove what this install created, note the failure. */
    private void abandon(Exception cause) {
        try {
            SemVer version = journal.entry().toVersion().orElseThrow();
            recovery.cleanUpAbandoned(version);
            Failure kind = cause instanceof UpdaterException u ? u.failure() : Failure.INTERNAL;
            String message = "install of " + version + " failed while " + journal.entry().state().jsonName() + ": "
                    + cause.getMessage();
            journal.finish(InstallState.FAILED, message);
            journal.emit(InstallState.FAILED, 0, Optional.of(kind), message);
        } catch (IOException | RuntimeException suppressed) {
            cause.addSuppressed(suppressed); // the journal still says where it stopped: the next open recovers
        }
    }

    /** Switches back from the version just installed to the one before it, and deletes the failed one. */
    private void revert(String reason) throws IOException {
        JournalEntry failed = journal.entry();
        journal.begin(failed.revert(failed.fromVersion(), failed.fromDigest(), reason));
        journal.emit(InstallState.ROLLING_BACK, 0, Optional.empty(), reason);
        CrashHooks.point("journal:rolling-back");
        rollbacks.complete(journal.entry(), reason);
        journal.finish(InstallState.FAILED, reason);
    }
}
