package dev.updater.delta;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The file an apply writes: a temporary sibling of the destination, optionally hashed as it is written, renamed into
 * place only by {@link #commit()}. {@link #close()} without a commit deletes it, so a failed apply leaves nothing
 * behind.
 *
 * <p>Callers may fill the output buffer in place ({@link #buffer()}, {@link #offset()}, {@link #room()}, then
 * {@link #advance}): an apply reads source bytes and literals straight into it, and the same buffer is written to
 * the file and hashed, without further copies.
 */
final class OutputFile implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path destination;
    private final Path temporary;
    private final FileChannel channel;
    private final Optional<ParallelDigest> digest;
    private byte[] buffer;
    private int filled;
    private long written;
    private boolean committed;

    /** An output hashed as it is written ({@link #sha256()}). */
    OutputFile(Path destination) throws IOException {
        this(destination, true);
    }

    /** An output that is not hashed (the format carries no digest to check). */
    static OutputFile unhashed(Path destination) throws IOException {
        return new OutputFile(destination, false);
    }

    private OutputFile(Path destination, boolean hashed) throws IOException {
        this.destination = destination.toAbsolutePath();
        this.temporary = createSibling(this.destination);
        try {
            this.channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        this.digest = hashed ? Optional.of(new ParallelDigest()) : Optional.empty();
        this.buffer = digest.isPresent() ? digest.get().takeBuffer() : new byte[ParallelDigest.BUFFER];
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
        while (length > 0) {
            int n = Math.min(length, room());
            System.arraycopy(bytes, offset, buffer, filled, n);
            advance(n);
            offset += n;
            length -= n;
        }
    }

    /** The buffer to fill in place, from {@link #offset()}, at most {@link #room()} bytes. */
    byte[] buffer() {
        return buffer;
    }

    int offset() {
        return filled;
    }

    /** Free bytes in {@link #buffer()}: always at least one. */
    int room() {
        return buffer.length - filled;
    }

    /** Counts {@code length} bytes the caller put into {@link #buffer()} at {@link #offset()} as written. */
    void advance(int length) throws IOException {
        filled += length;
        written += length;
        if (filled == buffer.length) {
            flush();
        }
    }

    long written() {
        return written;
    }

    private void flush() throws IOException {
        if (filled == 0) {
            return;
        }
        if (digest.isPresent()) {
            // The hasher reads the buffer while it is written out; it is reused only once both are done.
            digest.get().hash(buffer, filled);
        }
        ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, filled);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        buffer = digest.isPresent() ? digest.get().takeBuffer() : buffer;
        filled = 0;
    }

    /** The SHA-256 of everything written; call once, before {@link #commit()}, on an output made hashed. */
    byte[] sha256() throws IOException {
        flush();
        return digest.orElseThrow(() -> new IllegalStateException("output is not hashed")).digest();
    }

    void commit() throws IOException {
        flush();
        channel.close();
        try {
            Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        digest.ifPresent(ParallelDigest::abandon);
        if (!committed) {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
