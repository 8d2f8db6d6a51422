package dev.updater.install;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Failure;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.SemVer;
import dev.updater.schema.UpdaterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
 * validating (size and sha256), applying (into {@code versions/.staging-V}, hashed again, recorded, renamed to
 * {@code versions/V}), switching (a new symlink renamed over {@code current}; the previous version becomes a
 * snapshot), checking (the optional health check; failure switches back), committed. Each state is written to
 * {@code .updater/journal} and fsync'd before its work starts, so {@link #open} can finish or undo an interrupted
 * operation. Versions are only ever created by renaming a complete directory into place and removed by renaming
 * them away first, so a version directory that exists is always whole.
 *
 * <p>One instance per install root: {@link #open} takes an exclusive lock on {@code .updater/lock}, held until
 * {@link #close}. Not thread-safe.
 */
public final class Installer implements AutoCloseable {
    private static final Duration LOCK_POLL = Duration.ofMillis(100);
    private static final String FETCHED_SUFFIX = ".fetched";
    /** The pull engine's partial downloads, kept across runs so that an interrupted download resumes. */
    private static final String RESUMABLE_SUFFIX = ".part";

    private final InstallLayout layout;
    private final InstallOptions options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private JournalEntry journal;
    private Optional<String> recoveryReport = Optional.empty();
    private boolean closed;

    private Installer(InstallLayout layout, InstallOptions options, FileChannel lockChannel, FileLock lock) {
        this.layout = layout;
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens an install root (creating its layout if needed), waits up to {@link InstallOptions#lockTimeout()} for
     * the lock, then recovers any interrupted operation. {@link InstallStateException} when another updater keeps
     * the lock.
     */
    public static Installer open(Path installRoot, InstallOptions options) {
        InstallLayout layout = new InstallLayout(installRoot);
        LocalFileSystem.checkLayout(layout);
        FileChannel channel = null;
        try {
            for (Path dir : List.of(layout.versions(), layout.stateDir(), layout.logs(), layout.snapshots(),
                    layout.installedRecords(), layout.downloads())) {
                Files.createDirectories(dir);
            }
            channel = FileChannel.open(layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = acquire(layout, channel, options.lockTimeout());
            Installer installer = new Installer(layout, options, channel, lock);
            try {
                installer.startUp();
            } catch (RuntimeException | IOException e) {
                installer.close();
                throw e;
            }
            return installer;
        } catch (IOException e) {
            closeQuietly(channel);
            throw LocalFileSystem.failure(layout, "opening install root " + layout.root(), e, 0,
                    "check that it is a writable directory");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
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
            Optional<SemVer> current = readCurrentVersion(layout);
            Optional<Digest> digest = current.flatMap(v -> readRecord(layout, v)).map(InstalledVersion::payloadDigest);
            Optional<JournalEntry> pending = readJournal(layout).filter(j -> !j.state().isTerminal());
            return new InstallStatus(layout.root(), current, digest, readSnapshots(layout), lastLine(layout.eventsLog()),
                    pending);
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

    // ------------------------------------------------------------------------------------------------ install

    /**
     * Installs {@code request}'s version from {@code source} and makes it current. Policy refusals and a missing
     * lock are {@link InstallStateException}; a payload that does not match its digest or an unsafe archive is
     * {@link InstallVerificationException}; a failed health check is {@link HealthCheckFailedException} after the
     * previous version has been restored.
     */
    public InstallResult install(InstallRequest request, PayloadSource source) {
        ensureOpen();
        String what = "installing " + request.version() + " into " + layout.root();
        try {
            return doInstall(request, source);
        } catch (IOException e) {
            throw LocalFileSystem.failure(layout, what, e, spaceNeeded(request),
                    "the journal is kept and the next run recovers");
        } catch (UpdaterException e) {
            // The download's own failure ("cannot write ...", kind INTERNAL) says where, not that the disk is full
            // or read-only, nor how much space the install needs.
            if (!(e instanceof InstallIoException) && LocalFileSystem.isLocalWriteFailure(e)) {
                throw LocalFileSystem.failure(layout, what, e, spaceNeeded(request),
                        "the journal is kept and the next run recovers");
            }
            throw e;
        }
    }

    /** The download plus the version directory made from it (for a tar, its declared extracted size). */
    private static long spaceNeeded(InstallRequest request) {
        return request.size() + (request.kind() == PayloadKind.TAR ? request.maxExtractedBytes() : request.size());
    }

    private InstallResult doInstall(InstallRequest request, PayloadSource source) throws IOException {
        SemVer version = request.version();
        Optional<SemVer> from = currentVersion();
        Optional<Digest> fromDigest = from.flatMap(this::record).map(InstalledVersion::payloadDigest);
        JournalEntry start = new JournalEntry(newOperationId(), Operation.INSTALL, InstallState.IDLE,
                Optional.empty(), from, fromDigest, Optional.of(version), Optional.of(request.payloadDigest()), 0,
                options.healthCheck().isPresent(), false, Instant.now(), "");

        if (from.isPresent() && from.get().equals(version)) {
            if (fromDigest.equals(Optional.of(request.payloadDigest()))) {
                String message = "version " + version + " is already current; nothing to do";
                emit(start, InstallState.IDLE, 0, Optional.empty(), message);
                return new InstallResult(InstallResult.Outcome.ALREADY_CURRENT, version, request.payloadDigest(),
                        from, layout.versionDir(version), 0, List.of(), message);
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

        if (record(version).filter(r -> r.payloadDigest().equals(request.payloadDigest())).isEmpty()) {
            try {
                LocalFileSystem.requireSpace(layout, version.toString(), spaceNeeded(request));
            } catch (InstallIoException noSpace) {
                try {
                    emit(start, InstallState.FAILED, 0, Optional.of(noSpace.failure()), noSpace.getMessage());
                } catch (InstallIoException alsoFull) {
                    noSpace.addSuppressed(alsoFull); // the log may not fit either: the refusal is what matters
                }
                throw noSpace;
            }
        }
        journal = start;
        long bytes = 0;
        try {
            if (isReusable(request)) {
                transition(InstallState.VALIDATING, 0, "version directory already present and verified: reusing it",
                        0);
            } else {
                Path download = fetch(request, source);
                bytes = Files.size(download);
                transition(InstallState.VALIDATING, journal.attempt(), "", bytes);
                validateDownload(request, download);
                transition(InstallState.APPLYING, journal.attempt(), "", bytes);
                apply(request, download);
                Files.deleteIfExists(download);
            }
        } catch (RuntimeException | IOException e) {
            abandonInstall(e);
            throw e;
        }

        transition(InstallState.SWITCHING, journal.attempt(), "", bytes);
        pointCurrentAt(Optional.of(version));
        recordSwitch(from, fromDigest, version);
        CrashHooks.point("switch:recorded");
        if (options.healthCheck().isPresent()) {
            transition(InstallState.CHECKING, journal.attempt(), "", bytes);
            Optional<String> failure = runHealthCheck(options.healthCheck().get(), version);
            if (failure.isPresent()) {
                String reason = "health check failed: " + failure.get();
                revertInstall(reason);
                String restored = from.map(v -> "version " + v + " was restored").orElse("no version is current now");
                String message = "version " + version + " failed its health check (" + failure.get() + "); "
                        + restored + ". The check's output is in " + layout.healthLog();
                emit(journal, InstallState.FAILED, bytes, Optional.of(Failure.HEALTH_CHECK), message);
                throw new HealthCheckFailedException(message);
            }
        }
        transition(InstallState.COMMITTED, journal.attempt(), "installed", bytes);
        deleteDownloads(false);
        List<SemVer> pruned = prune();
        String message = "installed " + version + from.map(v -> " (previous: " + v + ")").orElse("");
        return new InstallResult(InstallResult.Outcome.INSTALLED, version, request.payloadDigest(), from,
                layout.versionDir(version), bytes, pruned, message);
    }

    private InstallStateException refuse(JournalEntry entry, String message) {
        emit(entry, InstallState.FAILED, 0, Optional.of(Failure.STATE), message);
        return new InstallStateException(message);
    }

    private boolean isReusable(InstallRequest request) throws IOException {
        return record(request.version()).filter(r -> r.payloadDigest().equals(request.payloadDigest())).isPresent()
                && verifyVersion(request.version());
    }

    /** Fetches into {@code downloads/<hex>.payload}, retrying with exponential backoff. */
    private Path fetch(InstallRequest request, PayloadSource source) throws IOException {
        // Not "<hex>.part": that name belongs to the pull engine's resumable partial download in the same directory.
        Path part = layout.downloads().resolve(request.payloadDigest().hex() + FETCHED_SUFFIX);
        Path download = layout.downloads().resolve(request.payloadDigest().hex() + ".payload");
        Exception last = null;
        for (int attempt = 1; attempt <= options.fetchAttempts(); attempt++) {
            transition(InstallState.FETCHING, attempt, attempt == 1 ? "" : "retrying", 0);
            try {
                Files.deleteIfExists(part);
                source.writeVerifiedPayload(part);
                if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("the payload source wrote no file");
                }
                Durable.fsyncFile(part);
                Files.move(part, download, StandardCopyOption.ATOMIC_MOVE);
                Durable.fsyncDirectory(layout.downloads());
                return download;
            } catch (IOException e) {
                if (LocalFileSystem.isLocalWriteFailure(e)) {
                    throw e; // a full or read-only disk stays so: retrying it as if the network failed cannot help
                }
                last = e;
            } catch (UpdaterException e) {
                if (e.failure() != Failure.NETWORK) {
                    throw e;
                }
                last = e;
            }
            emit(journal, InstallState.FETCHING, 0, Optional.of(Failure.NETWORK), "attempt " + attempt + " of "
                    + options.fetchAttempts() + " failed: " + last.getMessage());
            if (attempt < options.fetchAttempts()) {
                sleep(options.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20)));
            }
        }
        Files.deleteIfExists(part);
        if (last instanceof UpdaterException u) {
            throw u;
        }
        throw new FetchFailedException("could not fetch the payload of " + request.version() + " after "
                + options.fetchAttempts() + " attempts: " + last.getMessage()
                + "; check the network and the registry, then run the pull again", last);
    }

    private void validateDownload(InstallRequest request, Path download) throws IOException {
        long size = Files.size(download);
        Digest actual = TreeListing.sha256(download);
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
        Durable.deleteTree(staging);
        // A refused archive must leave no trace: every entry is checked before the staging directory exists.
        TarExtractor.Plan plan = request.kind() == PayloadKind.TAR
                ? TarExtractor.inspect(download, request.maxExtractedBytes()) : null;
        Files.createDirectory(staging);
        Digest installed;
        List<InstalledFile> files;
        if (request.kind() == PayloadKind.FILE) {
            Path file = staging.resolve(request.fileName());
            copyDurably(download, file);
            Files.setPosixFilePermissions(file, Durable.permissions(request.fileMode() & 0777));
            installed = TreeListing.sha256(file);
            files = List.of(new InstalledFile(request.fileName(), InstalledFile.Type.FILE,
                    Durable.mode(Files.getPosixFilePermissions(file)), Files.size(file), Optional.of(installed),
                    Optional.empty()));
        } else {
            installed = TarExtractor.extract(download, plan, staging);
            files = TreeListing.list(staging); // per-file hashes: the archive's digest does not cover them
        }
        if (!installed.equals(request.payloadDigest())) {
            Durable.deleteTree(staging);
            throw new InstallVerificationException("the installed copy of " + version + " hashes to " + installed
                    + " instead of " + request.payloadDigest() + "; the disk may be failing; nothing was switched");
        }
        fsyncDirectories(staging);
        InstalledVersion record = new InstalledVersion(version, request.payloadDigest(), request.size(),
                request.kind(), Instant.now(), files);
        CrashHooks.point("apply:staged");
        Path target = layout.versionDir(version);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            // Same version, other content (or damaged): it is not current, so it can be replaced.
            discardVersion(version);
        }
        Durable.writeAtomically(layout.installedRecord(version), record.toJsonBytes());
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        Durable.fsyncDirectory(layout.versions());
        CrashHooks.point("apply:renamed");
    }

    private static void copyDurably(Path from, Path to) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long position = 0;
        try (InputStream in = Files.newInputStream(from);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                int n = in.read(buffer, 0, CrashHooks.limit("apply", position, buffer.length));
                if (n < 0) {
                    break;
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                position += n;
            }
            out.force(true);
        }
    }

    private static void fsyncDirectories(Path root) throws IOException {
        try (var dirs = Files.walk(root)) {
            for (Path dir : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Durable.fsyncDirectory(dir);
            }
        }
    }

    /** Before the switch nothing installed has changed: remove what this install created, note the failure. */
    private void abandonInstall(Exception cause) {
        try {
            SemVer version = journal.toVersion().orElseThrow();
            cleanUpAbandoned(version);
            Failure kind = cause instanceof UpdaterException u ? u.failure() : Failure.INTERNAL;
            String message = "install of " + version + " failed while " + journal.state().jsonName() + ": "
                    + cause.getMessage();
            journal = journal.enter(InstallState.FAILED, journal.attempt(), message);
            writeJournal(journal);
            emit(journal, InstallState.FAILED, 0, Optional.of(kind), message);
        } catch (IOException | RuntimeException suppressed) {
            cause.addSuppressed(suppressed); // the journal still says where it stopped: the next open recovers
        }
    }

    private void cleanUpAbandoned(SemVer version) throws IOException {
        Durable.deleteTree(layout.staging(version));
        deleteDownloads(true);
        if (Files.exists(layout.versionDir(version), LinkOption.NOFOLLOW_LINKS)
                && !currentVersion().equals(Optional.of(version)) && !verifyVersion(version)) {
            discardVersion(version);
        }
    }

    // ------------------------------------------------------------------------------------------------ switch

    /** Replaces {@code current} by renaming a new symlink over it, then makes the rename durable. */
    private void pointCurrentAt(Optional<SemVer> version) throws IOException {
        if (version.isEmpty()) {
            Files.deleteIfExists(layout.current());
            Durable.fsyncDirectory(layout.root());
            return;
        }
        Path temp = layout.root().resolve(InstallLayout.LINK_TEMP_PREFIX + journal.operationId());
        Files.deleteIfExists(temp);
        Files.createSymbolicLink(temp, InstallLayout.linkTarget(version.get()));
        CrashHooks.point("switch:link-created");
        Files.move(temp, layout.current(), StandardCopyOption.ATOMIC_MOVE);
        CrashHooks.point("switch:renamed");
        Durable.fsyncDirectory(layout.root());
    }

    /** After switching from {@code from} to {@code to}: the old one becomes the newest snapshot. */
    private void recordSwitch(Optional<SemVer> from, Optional<Digest> fromDigest, SemVer to) throws IOException {
        removeSnapshot(to);
        if (from.isPresent() && !from.get().equals(to) && fromDigest.isPresent()
                && Files.isDirectory(layout.versionDir(from.get()), LinkOption.NOFOLLOW_LINKS)) {
            writeSnapshot(from.get(), fromDigest.get(), Snapshot.Reason.REPLACED);
        }
    }

    private Optional<String> runHealthCheck(HealthCheck check, SemVer version) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(check.command())
                .directory(layout.versionDir(version).toFile())
                .redirectErrorStream(true)
                .redirectOutput(layout.healthLog().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("UPDATE_INSTALL_ROOT", layout.root().toString());
        builder.environment().put("UPDATE_VERSION", version.toString());
        builder.environment().put("UPDATE_VERSION_DIR", layout.versionDir(version).toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Optional.of("could not start " + check.command() + ": " + e.getMessage());
        }
        try {
            if (!process.waitFor(check.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return Optional.of("timed out after " + check.timeout().toMillis() / 1000.0 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return Optional.of("interrupted");
        }
        return process.exitValue() == 0 ? Optional.empty() : Optional.of("exit code " + process.exitValue());
    }

    /** Switches back from the version just installed to the one before it, and deletes the failed one. */
    private void revertInstall(String reason) throws IOException {
        JournalEntry failed = journal;
        journal = new JournalEntry(failed.operationId(), Operation.ROLLBACK, InstallState.ROLLING_BACK,
                Optional.empty(), failed.toVersion(), failed.toDigest(), failed.fromVersion(), failed.fromDigest(),
                failed.attempt(), false, true, Instant.now(), reason);
        writeJournal(journal);
        emit(journal, InstallState.ROLLING_BACK, 0, Optional.empty(), reason);
        CrashHooks.point("journal:rolling-back");
        completeRollback(journal, reason);
        journal = journal.enter(InstallState.FAILED, journal.attempt(), reason);
        writeJournal(journal);
    }

    /** The idempotent part of every rollback: safe to run again after a crash in the middle of it. */
    private void completeRollback(JournalEntry rollback, String reason) throws IOException {
        Optional<SemVer> target = rollback.toVersion();
        Optional<SemVer> left = rollback.fromVersion();
        pointCurrentAt(target);
        if (target.isPresent()) {
            removeSnapshot(target.get());
        }
        if (left.isPresent() && !left.equals(target)) {
            if (rollback.discardFrom()) {
                discardVersion(left.get());
            } else if (rollback.fromDigest().isPresent()
                    && Files.isDirectory(layout.versionDir(left.get()), LinkOption.NOFOLLOW_LINKS)) {
                writeSnapshot(left.get(), rollback.fromDigest().get(), Snapshot.Reason.ROLLED_BACK_FROM);
            }
        }
        appendRollbackLog(rollback, reason);
    }

    private void appendRollbackLog(JournalEntry rollback, String reason) throws IOException {
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

    // ------------------------------------------------------------------------------------------------ rollback

    /**
     * Switches {@code current} back to a snapshot: {@code to}, or by default the newest version that a later
     * install replaced (so that rolling back twice walks two versions back). The snapshot is verified file by
     * file first. {@link InstallStateException} when there is nothing to roll back to.
     */
    public RollbackResult rollback(Optional<SemVer> to) {
        ensureOpen();
        try {
            return doRollback(to);
        } catch (IOException e) {
            throw new InstallIoException("rollback in " + layout.root() + " failed: " + e
                    + "; the journal is kept and the next run recovers", e);
        }
    }

    private RollbackResult doRollback(Optional<SemVer> to) throws IOException {
        SemVer from = currentVersion().orElseThrow(() -> new InstallStateException("nothing is installed in "
                + layout.root() + ", so there is nothing to roll back"));
        Optional<Digest> fromDigest = record(from).map(InstalledVersion::payloadDigest);
        List<Snapshot> snapshots = readSnapshots(layout);
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
        Optional<InstalledVersion> record = record(target.version());
        if (record.isEmpty() || !record.get().payloadDigest().equals(target.digest())
                || !verifyVersion(target.version())) {
            throw new InstallVerificationException("snapshot " + target.version() + " no longer matches its digest "
                    + target.digest() + " (files changed or missing under " + target.path() + "); current stays "
                    + from + ". Reinstall " + target.version() + " with 'update pull' instead");
        }
        journal = new JournalEntry(newOperationId(), Operation.ROLLBACK, InstallState.ROLLING_BACK, Optional.empty(),
                Optional.of(from), fromDigest, Optional.of(target.version()), Optional.of(target.digest()), 0, false,
                false, Instant.now(), "requested");
        writeJournal(journal);
        emit(journal, InstallState.ROLLING_BACK, 0, Optional.empty(), "");
        CrashHooks.point("journal:rolling-back");
        completeRollback(journal, "requested");
        transition(InstallState.COMMITTED, 0, "rolled back", 0);
        List<SemVer> pruned = prune();
        return new RollbackResult(from, fromDigest, target.version(), target.digest(), journal.time(), pruned);
    }

    // ------------------------------------------------------------------------------------------------ recovery

    private void startUp() throws IOException {
        Durable.terminateTornLine(layout.eventsLog());
        Durable.terminateTornLine(layout.rollbackLog());
        recover();
        removeLeftovers();
    }

    /** Finishes or undoes the operation an unfinished journal describes. Idempotent: may itself be interrupted. */
    private void recover() throws IOException {
        Optional<JournalEntry> found;
        try {
            found = readJournal(layout);
        } catch (ManifestFormatException | IllegalArgumentException e) {
            throw new InstallStateException("the journal " + layout.journal() + " is unreadable (" + e.getMessage()
                    + "); it is written atomically, so something else changed it: inspect the install root, then "
                    + "delete the journal to continue", e);
        }
        if (found.isEmpty() || found.get().state().isTerminal()) {
            return;
        }
        JournalEntry interrupted = found.get();
        InstallState state = interrupted.state() == InstallState.RECOVERING
                ? interrupted.recoveringFrom().orElse(InstallState.FETCHING) : interrupted.state();
        journal = interrupted.recovering();
        writeJournal(journal);
        emit(journal, InstallState.RECOVERING, 0, Optional.empty(), journal.note());
        CrashHooks.point("journal:recovering");
        String outcome;
        if (interrupted.operation() == Operation.ROLLBACK) {
            outcome = recoverRollback(interrupted);
        } else {
            outcome = recoverInstall(interrupted, state);
        }
        recoveryReport = Optional.of(outcome);
        emit(journal, journal.state(), 0, Optional.empty(), outcome);
    }

    private String recoverRollback(JournalEntry rollback) throws IOException {
        Optional<SemVer> target = rollback.toVersion();
        if (target.isPresent() && !verifyVersion(target.get())) {
            Optional<SemVer> back = rollback.fromVersion().filter(this::verifiesQuietly);
            pointCurrentAt(back);
            finish(InstallState.FAILED, "interrupted rollback could not reach " + target.get() + " (damaged)");
            return "rollback to " + target.get() + " could not complete: it is damaged; current is "
                    + back.map(SemVer::toString).orElse("(none)");
        }
        completeRollback(rollback, rollback.note().isEmpty() ? "requested" : rollback.note());
        // A rollback that reverts a failed install ends that install as failed, a requested one as committed.
        finish(rollback.discardFrom() ? InstallState.FAILED : InstallState.COMMITTED, "rollback completed by recovery");
        return "completed the interrupted rollback: current is " + target.map(SemVer::toString).orElse("(none)");
    }

    private String recoverInstall(JournalEntry install, InstallState state) throws IOException {
        SemVer to = install.toVersion().orElseThrow();
        Optional<SemVer> from = install.fromVersion();
        switch (state) {
            case SWITCHING -> {
                if (!verifyVersion(to)) {
                    return revertDuringRecovery(install, to + " is incomplete or damaged");
                }
                if (install.healthCheckPending()) {
                    return revertDuringRecovery(install, "its health check never ran");
                }
                pointCurrentAt(Optional.of(to));
                recordSwitch(from, install.fromDigest(), to);
                finish(InstallState.COMMITTED, "switch completed by recovery");
                prune();
                return "completed the interrupted switch: current is " + to;
            }
            case CHECKING -> {
                return revertDuringRecovery(install, "its health check was interrupted");
            }
            default -> {
                // Nothing was switched yet: current is still the previous version.
                if (!currentVersion().equals(from) && from.filter(this::verifiesQuietly).isPresent()) {
                    pointCurrentAt(from);
                }
                cleanUpAbandoned(to);
                finish(InstallState.FAILED, "install of " + to + " interrupted while " + state.jsonName()
                        + "; abandoned by recovery");
                return "abandoned the install of " + to + " interrupted while " + state.jsonName() + "; current is "
                        + from.map(SemVer::toString).orElse("(none)");
            }
        }
    }

    private String revertDuringRecovery(JournalEntry install, String why) throws IOException {
        SemVer to = install.toVersion().orElseThrow();
        Optional<SemVer> back = install.fromVersion().filter(this::verifiesQuietly);
        journal = new JournalEntry(install.operationId(), Operation.ROLLBACK, InstallState.ROLLING_BACK,
                Optional.empty(), Optional.of(to), install.toDigest(), back, back.flatMap(this::record)
                .map(InstalledVersion::payloadDigest), install.attempt(), false, true, Instant.now(),
                "recovery: " + why);
        writeJournal(journal);
        completeRollback(journal, journal.note());
        finish(InstallState.FAILED, "install of " + to + " reverted by recovery: " + why);
        return "reverted the install of " + to + " (" + why + "); current is "
                + back.map(SemVer::toString).orElse("(none)");
    }

    private void finish(InstallState terminal, String note) throws IOException {
        journal = journal.enter(terminal, journal.attempt(), note);
        writeJournal(journal);
    }

    /** Debris that only an interrupted operation leaves: staging and trash directories, temp links, partials. */
    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.versions())) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(InstallLayout.STAGING_PREFIX) || name.startsWith(InstallLayout.TRASH_PREFIX)) {
                    Durable.deleteTree(p);
                }
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.root(),
                InstallLayout.LINK_TEMP_PREFIX + "*")) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
        }
        deleteDownloads(true);
        Optional<SemVer> current = currentVersion();
        for (Snapshot s : readSnapshots(layout)) {
            if (!Files.isDirectory(layout.versionDir(s.version()), LinkOption.NOFOLLOW_LINKS)
                    || current.equals(Optional.of(s.version()))) {
                removeSnapshot(s.version());
            }
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(layout.installedRecords(), "*.json")) {
            for (Path r : records) {
                String name = r.getFileName().toString();
                String version = name.substring(0, name.length() - ".json".length());
                if (SemVer.isValid(version) && !Files.exists(layout.versionDir(SemVer.parse(version)),
                        LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(r);
                }
            }
        }
    }

    /**
     * Clears {@code downloads/}. After a failure or crash the pull engine's resumable partials stay, so the next run
     * continues where the transfer stopped; after a commit everything goes (other versions' partials are stale).
     */
    private void deleteDownloads(boolean keepResumable) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.downloads())) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (keepResumable && name.endsWith(RESUMABLE_SUFFIX) && !name.startsWith(".")) {
                    continue;
                }
                Durable.deleteTree(p);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ retention

    /**
     * Removes the oldest earlier versions until at most {@code maxHistoryVersions} remain and they use at most
     * {@code maxHistoryBytes}; never the current version or the newest snapshot. Versions on disk without a
     * snapshot (left by an abandoned install) count as oldest.
     */
    private List<SemVer> prune() throws IOException {
        Optional<SemVer> current = currentVersion();
        List<Snapshot> snapshots = readSnapshots(layout);
        Optional<SemVer> newest = snapshots.stream().max(Comparator.comparing(Snapshot::time)).map(Snapshot::version);
        record Held(SemVer version, Instant time, long bytes) {}
        List<Held> history = new ArrayList<>();
        for (SemVer v : installedVersions()) {
            if (current.equals(Optional.of(v))) continue;
            Instant time = snapshots.stream().filter(s -> s.version().equals(v)).map(Snapshot::time).findFirst()
                    .orElse(Instant.EPOCH);
            history.add(new Held(v, time, record(v).map(InstalledVersion::bytes).orElse(0L)));
        }
        history.sort(Comparator.comparing(Held::time).thenComparing(Held::version));
        long total = history.stream().mapToLong(Held::bytes).sum();
        int count = history.size();
        List<SemVer> pruned = new ArrayList<>();
        for (Held h : history) {
            if (count <= options.maxHistoryVersions() && total <= options.maxHistoryBytes()) break;
            if (newest.equals(Optional.of(h.version()))) continue;
            discardVersion(h.version());
            pruned.add(h.version());
            count--;
            total -= h.bytes();
        }
        if (!pruned.isEmpty()) {
            emit(journal, journal.state(), 0, Optional.empty(), "retention removed " + pruned);
        }
        return pruned;
    }

    private List<SemVer> installedVersions() throws IOException {
        List<SemVer> versions = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.versions())) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && SemVer.isValid(name)
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    versions.add(SemVer.parse(name));
                }
            }
        }
        versions.sort(Comparator.naturalOrder());
        return versions;
    }

    /** Removes a version so that no half-deleted directory is ever visible under its name. */
    private void discardVersion(SemVer version) throws IOException {
        removeSnapshot(version);
        Path dir = layout.versionDir(version);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path trash = layout.versions().resolve(InstallLayout.TRASH_PREFIX + version + "-"
                    + Long.toHexString(System.nanoTime()));
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            Durable.fsyncDirectory(layout.versions());
            Files.deleteIfExists(layout.installedRecord(version));
            Durable.deleteTree(trash);
        } else {
            Files.deleteIfExists(layout.installedRecord(version));
        }
    }

    // ------------------------------------------------------------------------------------------------ snapshots

    private void writeSnapshot(SemVer version, Digest digest, Snapshot.Reason reason) throws IOException {
        long bytes = record(version).map(InstalledVersion::bytes).orElse(0L);
        Snapshot snapshot = new Snapshot(version, digest, layout.versionDir(version), Instant.now(), bytes, reason);
        Durable.writeAtomically(layout.snapshot(version), Json.writePretty(snapshot.toJson()));
        refreshLatestSnapshot();
    }

    private void removeSnapshot(SemVer version) throws IOException {
        if (Files.deleteIfExists(layout.snapshot(version))) {
            Durable.fsyncDirectory(layout.snapshots());
        }
        refreshLatestSnapshot();
    }

    private void refreshLatestSnapshot() throws IOException {
        Optional<Snapshot> newest = readSnapshots(layout).stream().max(Comparator.comparing(Snapshot::time));
        if (newest.isPresent()) {
            Durable.writeAtomically(layout.latestSnapshot(), Json.writePretty(newest.get().toJson()));
        } else if (Files.deleteIfExists(layout.latestSnapshot())) {
            Durable.fsyncDirectory(layout.snapshots());
        }
    }

    static List<Snapshot> readSnapshots(InstallLayout layout) throws IOException {
        List<Snapshot> snapshots = new ArrayList<>();
        if (!Files.isDirectory(layout.snapshots())) {
            return snapshots;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.snapshots(), "*.json")) {
            for (Path f : files) {
                if (f.getFileName().toString().equals("latest.json")) continue;
                try {
                    snapshots.add(Snapshot.fromJson(Files.readAllBytes(f), f.toString()));
                } catch (ManifestFormatException | IllegalArgumentException e) {
                    // written atomically, so only foreign files land here: not ours to interpret
                }
            }
        }
        snapshots.sort(Comparator.comparing(Snapshot::time));
        return snapshots;
    }

    // ------------------------------------------------------------------------------------------------ reading

    private Optional<SemVer> currentVersion() throws IOException {
        return readCurrentVersion(layout);
    }

    static Optional<SemVer> readCurrentVersion(InstallLayout layout) throws IOException {
        Path current = layout.current();
        if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isSymbolicLink(current)) {
            throw new InstallStateException(current + " is not a symlink, so this install root is not managed by "
                    + "update; move it away or choose another --install-root");
        }
        Path target = Files.readSymbolicLink(current);
        String name = target.getFileName() == null ? "" : target.getFileName().toString();
        if (!SemVer.isValid(name)) {
            throw new InstallStateException(current + " points at " + target + ", which is not a version directory; "
                    + "point it at versions/<version> or remove it");
        }
        return Optional.of(SemVer.parse(name));
    }

    private Optional<InstalledVersion> record(SemVer version) {
        return readRecord(layout, version);
    }

    static Optional<InstalledVersion> readRecord(InstallLayout layout, SemVer version) {
        Path file = layout.installedRecord(version);
        try {
            return Files.isRegularFile(file)
                    ? Optional.of(InstalledVersion.fromJson(Files.readAllBytes(file), file.toString()))
                    : Optional.empty();
        } catch (IOException | ManifestFormatException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** True when the version directory holds exactly what its record lists, every file hashing as recorded. */
    private boolean verifyVersion(SemVer version) throws IOException {
        Optional<InstalledVersion> record = record(version);
        Path dir = layout.versionDir(version);
        if (record.isEmpty() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        List<InstalledFile> files = TreeListing.list(dir);
        if (!files.equals(record.get().files())) {
            return false;
        }
        return record.get().kind() != PayloadKind.FILE
                || (files.size() == 1 && files.get(0).sha256().equals(Optional.of(record.get().payloadDigest())));
    }

    private boolean verifiesQuietly(SemVer version) {
        try {
            return verifyVersion(version);
        } catch (IOException e) {
            return false;
        }
    }

    static Optional<JournalEntry> readJournal(InstallLayout layout) throws IOException {
        return Files.isRegularFile(layout.journal())
                ? Optional.of(JournalEntry.fromJson(Files.readAllBytes(layout.journal()))) : Optional.empty();
    }

    /** The last complete JSON line of a log (a crash may have torn the very last one). */
    static Optional<String> lastLine(Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return Optional.empty();
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int tail = (int) Math.min(length, 256 * 1024);
            byte[] bytes = new byte[tail];
            file.seek(length - tail);
            file.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (line.isEmpty()) continue;
                try {
                    Json.parse(line.getBytes(StandardCharsets.UTF_8), "event");
                    return Optional.of(line);
                } catch (ManifestFormatException e) {
                    // torn by a crash: look further back
                }
            }
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------------ journal

    /** Writes the next state to the journal (durably), then logs the event; only then does its work start. */
    private void transition(InstallState state, int attempt, String note, long bytes) throws IOException {
        journal = journal.enter(state, attempt, note);
        writeJournal(journal);
        emit(journal, state, bytes, Optional.empty(), note);
        CrashHooks.point("journal:" + state.jsonName());
    }

    private void writeJournal(JournalEntry entry) throws IOException {
        Durable.writeAtomically(layout.journal(), entry.toJsonBytes());
    }

    private void emit(JournalEntry entry, InstallState state, long bytes, Optional<Failure> error, String message) {
        InstallEvent event = new InstallEvent(Instant.now(), entry.operationId(), entry.operation(), state,
                entry.attempt(), entry.fromVersion(), entry.fromDigest(), entry.toVersion(), entry.toDigest(), bytes,
                error, message);
        try {
            Durable.appendLine(layout.eventsLog(), event.toJsonLine(), false);
        } catch (IOException e) {
            throw new InstallIoException("cannot append to " + layout.eventsLog() + ": " + e, e);
        }
        options.listener().ifPresent(l -> l.onEvent(event));
    }

    // ------------------------------------------------------------------------------------------------ lock

    private static FileLock acquire(InstallLayout layout, FileChannel channel, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another Installer in this JVM
            }
            if (lock != null) {
                byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(pid), 0);
                return lock;
            }
            if (System.nanoTime() >= deadline) {
                String holder = new String(Files.readAllBytes(layout.lockFile()), StandardCharsets.US_ASCII).strip();
                throw new InstallStateException("install root " + layout.root() + " is in use by another updater"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")") + "; waited " + timeout.toMillis()
                        + " ms. Try again when it has finished");
            }
            sleep(LOCK_POLL);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("this installer is closed; open the install root again");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstallStateException("interrupted while waiting; nothing was changed by the wait");
        }
    }

    private static String newOperationId() {
        return Long.toHexString(System.currentTimeMillis()) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    }
}
