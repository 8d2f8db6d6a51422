package dev.updater.tuf;

import dev.updater.registry.LocalFileException;
import dev.updater.registry.io.Durable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The device's trusted metadata on disk: {@code DIR/<quoted role>.json}, the exact bytes that were verified. Writes
 * go through {@link Durable} (temporary file, fsync, rename, fsync of the directory), so a crash leaves the old or
 * the new file, never a torn one.
 */
public final class TrustedMetadataStore {
    private final Path directory;

    public TrustedMetadataStore(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    public Path fileOf(String roleName) {
        return directory.resolve(Names.quote(roleName) + ".json");
    }

    public Optional<byte[]> read(String roleName) {
        try {
            return Optional.of(Files.readAllBytes(fileOf(roleName)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LocalFileException("cannot read trusted metadata " + fileOf(roleName), e);
        }
    }

    /** Replaces the role's file atomically and durably ({@link Durable}): a crash leaves the old or the new file. */
    public void write(String roleName, byte[] bytes) {
        Durable.write(fileOf(roleName), bytes);
    }

    public void delete(String roleName) {
        try {
            Files.deleteIfExists(fileOf(roleName));
        } catch (IOException e) {
            throw new LocalFileException("cannot delete trusted metadata " + fileOf(roleName), e);
        }
    }
}
