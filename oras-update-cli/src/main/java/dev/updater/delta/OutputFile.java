package dev.updater.delta;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * The file an apply writes: a temporary sibling of the destination, hashed as it is written, renamed into place
 * only by {@link #commit()}. {@link #close()} without a commit deletes it, so a failed apply leaves nothing behind.
 */
final class OutputFile implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path destination;
    private final Path temporary;
    private final OutputStream out;
    private final ParallelDigest digest;
    private long written;
    private boolean committed;

    OutputFile(Path destination) throws IOException {
        this.destination = destination.toAbsolutePath();
        this.temporary = createSibling(this.destination);
        try {
            this.out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        this.digest = new ParallelDigest();
    }

    /**
     * A new, empty hidden file next to {@code destination}, so the final rename stays on one file system. Unlike
     * {@link Files#createTempFile} it gets the usual permissions (umask), which the renamed file keeps.
     */
    static Path createSibling(Path destination) throws IOException {
        Path directory = destination.toAbsolutePath().getParent();
        for (int attempt = 0; ; attempt++) {
            Path candidate = directory.resolve("." + destination.getFileName() + "."
                    + Long.toHexString(RANDOM.nextLong() >>> 16) + ".partial");
            try {
                return Files.createFile(candidate);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }


    void write(byte[] bytes, int offset, int length) throws IOException {
        digest.update(bytes, offset, length);
        out.write(bytes, offset, length);
        written += length;
    }

    long written() {
        return written;
    }

    /** The SHA-256 of everything written; call once, before {@link #commit()}. */
    byte[] sha256() {
        return digest.digest();
    }

    void commit() throws IOException {
        out.close();
        try {
            Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        digest.abandon();
        if (!committed) {
            try {
                out.close();
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
