package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The version directories under {@code versions/} and their records in {@code .updater/installed/}. A version is only
 * ever created by renaming a complete staging directory into place and removed by renaming it away first, so a
 * version directory that exists is always whole; it is trusted only while its listing equals its record.
 */
final class VersionStore {
    private final InstallLayout layout;
    private final RollbackPoints points;

    VersionStore(InstallLayout layout, RollbackPoints points) {
        this.layout = layout;
        this.points = points;
    }

    Optional<InstalledVersion> record(SemVer version) {
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
    boolean verify(SemVer version) throws IOException {
        Optional<InstalledVersion> record = record(version);
        Path dir = layout.versionDir(version);
        if (record.isEmpty() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        List<InstalledFile> files = TreeListing.list(dir);
        if (!files.equals(record.get().files())) {
            return false;
        }
        return PayloadInstallers.forKind(record.get().kind()).matchesPayload(record.get(), files);
    }

    boolean verifiesQuietly(SemVer version) {
        try {
            return verify(version);
        } catch (IOException e) {
            return false;
        }
    }

    /** The complete version directories, lowest first. */
    List<SemVer> installed() throws IOException {
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

    /**
     * Renames a complete, synced staging directory to {@code versions/V} after writing its record. A directory
     * already there (same version, other content, or damaged) is not current, so it is discarded first.
     */
    void publish(Path staging, InstalledVersion record) throws IOException {
        SemVer version = record.version();
        Path target = layout.versionDir(version);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            discard(version);
        }
        Durable.write(layout.installedRecord(version), record.toJsonBytes());
        Durable.rename(staging, target);
        CrashHooks.point("apply:renamed");
    }

    /** Removes a version (and its rollback point) so that no half-deleted directory is ever visible under its name. */
    void discard(SemVer version) throws IOException {
        points.remove(version);
        Path dir = layout.versionDir(version);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Path trash = layout.versions().resolve(InstallLayout.TRASH_PREFIX + version + "-"
                    + Long.toHexString(System.nanoTime()));
            Durable.rename(dir, trash);
            Files.deleteIfExists(layout.installedRecord(version));
            PosixFiles.deleteTree(trash);
        } else {
            Files.deleteIfExists(layout.installedRecord(version));
        }
    }

    /** Makes {@code version} a rollback point, if its directory is still there. */
    void keepAsRollbackPoint(SemVer version, Digest digest, Snapshot.Reason reason) throws IOException {
        if (Files.isDirectory(layout.versionDir(version), LinkOption.NOFOLLOW_LINKS)) {
            points.write(version, digest, record(version).map(InstalledVersion::bytes).orElse(0L), reason);
        }
    }

    /** Staging and trash directories: only an interrupted install or removal leaves them. */
    void removeStagingAndTrash() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.versions())) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(InstallLayout.STAGING_PREFIX) || name.startsWith(InstallLayout.TRASH_PREFIX)) {
                    PosixFiles.deleteTree(p);
                }
            }
        }
    }

    /** Records whose version directory is gone. */
    void removeOrphanRecords() throws IOException {
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
}
