package dev.updater.delta;

import dev.updater.registry.io.Durable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The file an apply writes: a temporary sibling of the destination ({@link Durable.Pending}: the usual permissions,
 * synced before the rename), optionally hashed as it is written, renamed into place only by {@link #commit()}.
 * {@link #close()} without a commit deletes it, so a failed apply leaves nothing behind.
 *
 * <p>Callers may fill the output buffer in place ({@link #buffer()}, {@link #offset()}, {@link #room()}, then
 * {@link #advance}): an apply reads source bytes and literals straight into it, and the same buffer is written to
 * the file and hashed, without further copies.
 */
final class OutputFile implements AutoCloseable {
    private final Durable.Pending file;
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

    private OutputFile(Path destination, boolean hashed) {
        this.file = Durable.create(destination);
        this.digest = hashed ? Optional.of(new ParallelDigest()) : Optional.empty();
        this.buffer = digest.isPresent() ? digest.get().takeBuffer() : new byte[ParallelDigest.BUFFER];
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
        file.write(ByteBuffer.wrap(buffer, 0, filled));
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
        file.commit();
        committed = true;
    }

    @Override
    public void close() throws IOException {
        digest.ifPresent(ParallelDigest::abandon);
        if (!committed) {
            file.close();
        }
    }
}
