package dev.updater.tuf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The device's trusted metadata on disk: {@code DIR/<quoted role>.json}, the exact bytes that were verified. Writes
 * are atomic (temporary file, fsync, rename, fsync of the directory), so a crash leaves the old or the new file,
 * never a torn one.
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
            throw new UncheckedIOException("cannot read trusted metadata " + fileOf(roleName), e);
        }
    }

    public void write(String roleName, byte[] bytes) {
        writeAtomically(fileOf(roleName), bytes);
    }

    public void delete(String roleName) {
        try {
            Files.deleteIfExists(fileOf(roleName));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete trusted metadata " + fileOf(roleName), e);
        }
    }

    /** Writes {@code bytes} to {@code target} so that readers see either the old or the complete new content. */
    public static void writeAtomically(Path target, byte[] bytes) {
        Path parent = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(parent);
            temp = newTempFile(parent);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true);
            }
            moveIntoPlace(temp, target);
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** A temporary file next to where it will be renamed to, readable by all like any published file. */
    static Path newTempFile(Path directory) throws IOException {
        Path temp = Files.createTempFile(directory, ".tmp-", ".part");
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the default permissions
        }
        return temp;
    }

    /** Renames a complete, synced temporary file over {@code target} and syncs the directory entry. */
    static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms cannot open or sync a directory; the rename itself is still atomic there
        }
    }

    static void deleteQuietly(Path temp) {
        if (temp == null) return;
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // best effort: a leftover .tmp- file is ignored by every reader
        }
    }
}
