package dev.updater.install;

import dev.updater.registry.LocalFileException;
import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Installs versions into an install root so that a crash at any instant leaves {@code current} pointing at a
 * complete, verified version: the old one or the new one, never a mix.
 *
 * <pre>{@code
 * try (Installer installer = Installer.open(Path.of("/opt/app"), InstallOptions.defaults())) {
 *     InstallRequest request = InstallRequest.file(SemVer.parse("1.4.2"), digest, size, "app", 0755);
 *     InstallResult result = installer.install(request, target -> engine.download(blob, target));
 *     // later: installer.rollback(Optional.empty());
 * }
 * }</pre>
 *
 * <p>An install walks {@link InstallState}s: fetching (into {@code .updater/downloads}, retried with backoff),
 * validating (size, and sha256 unless the source hashed it while writing), applying (moved into
 * {@code versions/.staging-V}, or copied and hashed again, recorded, renamed to
 * {@code versions/V}), switching (a new symlink renamed over {@code current}; the previous version becomes a
 * snapshot), checking (the optional health check; failure switches back), committed. Each state is written to
 * {@code .updater/journal} and fsync'd before its work starts, so {@link #open} can finish or undo an interrupted
 * operation. Versions are only ever created by renaming a complete directory into place and removed by renaming
 * them away first, so a version directory that exists is always whole.
 *
 * <p>One instance per install root: {@link #open} takes an exclusive lock on {@code .updater/lock}, held until
 * {@link #close}. Not thread-safe.
 *
 * <p>This class only wires the parts together, each of which owns one thing on disk:
 * <ul>
 * <li>{@link InstallLock}: {@code .updater/lock}
 * <li>{@link InstallJournal} ({@link JournalEntry}): {@code .updater/journal} and {@code logs/events.jsonl}
 * <li>{@link VersionStore}: {@code versions/} and {@code .updater/installed/}
 * <li>{@link RollbackPoints} ({@link Snapshot}): {@code .updater/snapshots/}
 * <li>{@link CurrentLink}: the {@code current} symlink
 * <li>{@link DownloadArea}: {@code .updater/downloads/}
 * <li>{@link PayloadInstallers}: how each {@link PayloadKind} becomes a version directory
 * <li>{@link InstallOperation}, {@link Rollbacks} (and {@code logs/rollback.log}), {@link Retention} and
 *     {@link Recovery}: the operations, in terms of the parts above
 * </ul>
 */
public final class Installer implements AutoCloseable {
    private final InstallLayout layout;
    private final InstallLock lock;
    private final Recovery recovery;
    private final InstallOperation installs;
    private final Rollbacks rollbacks;
    private Optional<String> recoveryReport = Optional.empty();
    private boolean closed;

    private Installer(InstallLayout layout, InstallOptions options, InstallLock lock) {
        this.layout = layout;
        this.lock = lock;
        RollbackPoints points = new RollbackPoints(layout);
        VersionStore versions = new VersionStore(layout, points);
        CurrentLink current = new CurrentLink(layout);
        InstallJournal journal = new InstallJournal(layout, options.listener());
        DownloadArea downloads = new DownloadArea(layout, options, journal);
        Retention retention = new Retention(options, journal, versions, points, current);
        this.rollbacks = new Rollbacks(layout, journal, versions, points, current, retention);
        this.recovery = new Recovery(layout, journal, versions, points, current, downloads, rollbacks, retention);
        this.installs = new InstallOperation(layout, options, journal, versions, current, downloads, rollbacks,
                retention, recovery);
    }

    /**
     * Opens an install root (creating its layout if needed), waits up to {@link InstallOptions#lockTimeout()} for
     * the lock, then recovers any interrupted operation. {@link InstallStateException} when another updater keeps
     * the lock.
     */
    public static Installer open(Path installRoot, InstallOptions options) {
        InstallLayout layout = new InstallLayout(installRoot);
        LocalFileSystem.checkLayout(layout);
        try {
            for (Path dir : List.of(layout.versions(), layout.stateDir(), layout.logs(), layout.snapshots(),
                    layout.installedRecords(), layout.downloads())) {
                Files.createDirectories(dir);
            }
            Installer installer = new Installer(layout, options, InstallLock.acquire(layout, options.lockTimeout()));
            try {
                installer.recoveryReport = installer.recovery.startUp();
            } catch (RuntimeException | IOException e) {
                installer.close();
                throw e;
            }
            return installer;
        } catch (IOException | LocalFileException e) {
            throw LocalFileSystem.failure(layout, "opening install root " + layout.root(), e, 0,
                    "check that it is a writable directory");
        }
    }

    /** The state of an install root read from disk: no lock taken, nothing recovered or changed. */
    public static InstallStatus inspect(Path installRoot) {
        InstallLayout layout = new InstallLayout(installRoot);
        if (!Files.isDirectory(layout.stateDir())) {
            throw new InstallStateException(layout.root() + " is not an install root (no .updater directory); "
                    + "install a version into it first with 'update pull ... --install-root " + layout.root() + "'");
        }
        try {
            Optional<SemVer> current = CurrentLink.read(layout);
            Optional<Digest> digest = current.flatMap(v -> VersionStore.readRecord(layout, v))
                    .map(InstalledVersion::payloadDigest);
            Optional<JournalEntry> pending = InstallJournal.read(layout).filter(j -> !j.state().isTerminal());
            return new InstallStatus(layout.root(), current, digest, RollbackPoints.read(layout),
                    InstallJournal.lastLine(layout.eventsLog()), pending);
        } catch (IOException e) {
            throw new InstallIoException("cannot read install root " + layout.root() + ": " + e, e);
        }
    }

    public InstallStatus status() {
        ensureOpen();
        return inspect(layout.root());
    }

    public InstallLayout layout() {
        return layout;
    }

    /** What recovery did when this installer was opened, if the journal showed an unfinished operation. */
    public Optional<String> recoveryReport() {
        return recoveryReport;
    }

    /**
     * Installs {@code request}'s version from {@code source} and makes it current. Policy refusals and a missing
     * lock are {@link InstallStateException}; a payload that does not match its digest or an unsafe archive is
     * {@link InstallVerificationException}; a failed health check is {@link HealthCheckFailedException} after the
     * previous version has been restored.
     */
    public InstallResult install(InstallRequest request, PayloadSource source) {
        ensureOpen();
        return installs.run(request, source);
    }

    /**
     * What {@link #install} of {@code version} with {@code payloadDigest} does when that is the current version (it
     * logs the no-op and returns {@code ALREADY_CURRENT}), for a caller that knows it without the request; empty
     * when the current version is another one or has another payload.
     */
    public Optional<InstallResult> confirmCurrent(SemVer version, Digest payloadDigest) {
        ensureOpen();
        return installs.confirmCurrent(version, payloadDigest);
    }

    /**
     * Switches {@code current} back to a snapshot: {@code to}, or by default the newest version that a later
     * install replaced (so that rolling back twice walks two versions back). The snapshot is verified file by
     * file first. {@link InstallStateException} when there is nothing to roll back to.
     */
    public RollbackResult rollback(Optional<SemVer> to) {
        ensureOpen();
        return rollbacks.rollback(to);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        lock.close();
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("this installer is closed; open the install root again");
    }
}
