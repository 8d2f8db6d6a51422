package dev.updater.install;

import dev.updater.registry.io.Durable;
import dev.updater.schema.SemVer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code current} symlink: which version is active. It is switched by renaming a new symlink over it (one
 * atomic step) and the rename is made durable by syncing the root directory, so a crash leaves either the old or
 * the new target.
 */
final class CurrentLink {
    private final InstallLayout layout;

    CurrentLink(InstallLayout layout) {
        this.layout = layout;
    }

    /** The version {@code current} points at, if any. */
    Optional<SemVer> read() throws IOException {
        return read(layout);
    }

    static Optional<SemVer> read(InstallLayout layout) throws IOException {
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

    /**
     * Points {@code current} at {@code version} (empty: removes it) by renaming a new symlink, named after
     * {@code operationId}, over it; then makes the rename durable.
     */
    void pointAt(Optional<SemVer> version, String operationId) throws IOException {
        if (version.isEmpty()) {
            Files.deleteIfExists(layout.current());
            Durable.syncDirectory(layout.root());
            return;
        }
        Path temp = layout.root().resolve(InstallLayout.LINK_TEMP_PREFIX + operationId);
        Files.deleteIfExists(temp);
        Files.createSymbolicLink(temp, InstallLayout.linkTarget(version.get()));
        CrashHooks.point("switch:link-created");
        Durable.rename(temp, layout.current());
        CrashHooks.point("switch:renamed");
    }

    /** Removes new links that a crash left before they were renamed over {@code current}. */
    void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(layout.root(),
                InstallLayout.LINK_TEMP_PREFIX + "*")) {
            for (Path p : entries) {
                Files.deleteIfExists(p);
            }
        }
    }
}
