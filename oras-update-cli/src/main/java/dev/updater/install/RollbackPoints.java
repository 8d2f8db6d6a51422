package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Snapshot}s in {@code .updater/snapshots/}: earlier versions {@code current} can be switched back to, one
 * file each (written atomically), plus {@code latest.json}, a copy of the newest.
 */
final class RollbackPoints {
    private static final String LATEST = "latest.json";

    private final InstallLayout layout;

    RollbackPoints(InstallLayout layout) {
        this.layout = layout;
    }

    /** Records {@code version} (whose directory uses {@code bytes}) as a rollback point. */
    void write(SemVer version, Digest digest, long bytes, Snapshot.Reason reason) throws IOException {
        Snapshot snapshot = new Snapshot(version, digest, layout.versionDir(version), Instant.now(), bytes, reason);
        Durable.write(layout.snapshot(version), Json.writePretty(snapshot.toJson()));
        refreshLatest();
    }

    void remove(SemVer version) throws IOException {
        if (Files.deleteIfExists(layout.snapshot(version))) {
            Durable.syncDirectory(layout.snapshots());
        }
        refreshLatest();
    }

    /** Oldest first. */
    List<Snapshot> list() throws IOException {
        return read(layout);
    }

    /** Removes the points whose version directory is gone, and the one of the current version (if any). */
    void removeDangling(Optional<SemVer> current) throws IOException {
        for (Snapshot s : list()) {
            if (!Files.isDirectory(layout.versionDir(s.version()), LinkOption.NOFOLLOW_LINKS)
                    || current.equals(Optional.of(s.version()))) {
                remove(s.version());
            }
        }
    }

    private void refreshLatest() throws IOException {
        Optional<Snapshot> newest = list().stream().max(Comparator.comparing(Snapshot::time));
        if (newest.isPresent()) {
            Durable.write(layout.latestSnapshot(), Json.writePretty(newest.get().toJson()));
        } else if (Files.deleteIfExists(layout.latestSnapshot())) {
            Durable.syncDirectory(layout.snapshots());
        }
    }

    static List<Snapshot> read(InstallLayout layout) throws IOException {
        List<Snapshot> snapshots = new ArrayList<>();
        if (!Files.isDirectory(layout.snapshots())) {
            return snapshots;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.snapshots(), "*.json")) {
            for (Path f : files) {
                if (f.getFileName().toString().equals(LATEST)) continue;
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
}
