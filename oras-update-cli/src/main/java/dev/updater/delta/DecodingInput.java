package dev.updater.delta;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A decompressing stream read ahead on its own thread: decoding xz is most of an apply's work, so the applier
 * (reading the source, adding, writing) runs beside it on a second core. The decoder fills a few fixed buffers, so
 * memory stays bounded; whatever reading the source throws is rethrown, unchanged, by the read that reaches it.
 */
final class DecodingInput extends InputStream {
    private static final int BUFFER = 1 << 16;
    private static final int BUFFERS = 4;

    /** Decoded bytes, or the end of the stream ({@code length < 0}), or what reading the source threw. */
    private record Chunk(byte[] bytes, int length, Throwable failure) {}

    private final InputStream source;
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread decoder;
    private volatile boolean closed;
    private static final Chunk END = new Chunk(null, -1, null);
    private Chunk current = new Chunk(new byte[0], 0, null);
    private int position;
    /**
     * The current chunk's bytes and length, read by {@link #read()}'s fast path without going through the record
     * or {@link #hasBytes()}: the applier reads every step and run length byte by byte (measured: 57 of 362
     * samples of a looped esbuild apply were in read()). 0 at the end of the stream.
     */
    private byte[] bytes = current.bytes();
    private int limit;

    DecodingInput(InputStream source) {
        this.source = source;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[BUFFER]);
        }
        decoder = new Thread(this::decodeUntilEnd, "delta-decode");
        decoder.setDaemon(true);
        decoder.start();
    }

    private void decodeUntilEnd() {
        try {
            while (!closed) {
                byte[] buffer = free.take();
                int length = 0;
                try {
                    for (int n; length < buffer.length; length += n) {
                        n = source.read(buffer, length, buffer.length - length);
                        if (n < 0) {
                            if (length > 0) {
                                filled.put(new Chunk(buffer, length, null));
                            }
                            filled.put(END);
                            return;
                        }
                    }
                } catch (IOException | RuntimeException | Error e) {
                    // The bytes decoded before the failure come first, as a plain stream would return them.
                    if (length > 0) {
                        filled.put(new Chunk(buffer, length, null));
                    }
                    filled.put(new Chunk(null, -1, e));
                    return;
                }
                filled.put(new Chunk(buffer, length, null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes a chunk with unread bytes current; false at the end of the stream. */
    private boolean hasBytes() throws IOException {
        while (current.length() >= 0 && position == current.length()) {
            if (current.bytes().length == BUFFER) {
                free.add(current.bytes());
            }
            try {
                current = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while decoding the patch", e);
            }
            position = 0;
            limit = Math.max(0, current.length());
            bytes = current.bytes();
            if (current.failure() != null) {
                Throwable failure = current.failure();
                current = END;
                rethrow(failure);
            }
        }
        return current.length() >= 0;
    }

    private static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw (Error) failure;
    }

    @Override
    public int read() throws IOException {
        if (position < limit) {
            return bytes[position++] & 0xff;
        }
        if (!hasBytes()) {
            return -1;
        }
        return current.bytes()[position++] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!hasBytes()) {
            return -1;
        }
        int n = Math.min(length, current.length() - position);
        System.arraycopy(current.bytes(), position, into, offset, n);
        position += n;
        return n;
    }

    /**
     * Stops the decoder, waits for it to let go of the source, then closes the source. The decoder is not
     * interrupted (that would close an interruptible channel under it); instead it is given room to finish its
     * current chunk, after which it sees {@code closed}: at most one more buffer is decoded.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        filled.clear();
        free.offer(new byte[BUFFER]);
        try {
            decoder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
