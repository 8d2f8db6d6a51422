package dev.updater.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a body on a thread of its own into a few fixed buffers while the caller writes and hashes the ones already
 * read, so that the network, the hash and the disk overlap instead of taking turns; the caller still sees every
 * byte once, in order. At most {@value #BUFFERS} buffers are in flight, so memory stays bounded whatever the link.
 *
 * <p>The reader thread owns the stream: it reads at most {@code limit} bytes, then one more read tells whether the
 * server sent more than declared, and it closes the stream before it reports the end (a body read to its end hands
 * its connection back for the next request). The resumes of the stream (which run on the reader thread) are handed
 * to the caller's thread like data, in order, so a listener hears of everything on one thread. A failure of the
 * reader is thrown on the caller's thread by {@link #next()}.
 */
final class ReadAhead implements AutoCloseable {
    static final int BUFFERS = 4;

    /** What the reader hands over: bytes, a resume, the end (and whether more came than declared), or a failure. */
    record Piece(byte[] bytes, int length, long resumedAt, String resumedWhy, boolean end, boolean overLong,
            Throwable failure) {
        boolean isData() {
            return bytes != null;
        }

        boolean isResume() {
            return resumedWhy != null;
        }
    }

    private final BlockingQueue<Piece> filled = new ArrayBlockingQueue<>(BUFFERS * 2 + 2);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final Thread reader;
    private volatile boolean stopped;

    /** Buffers for one download's read-aheads, one after the other: allocated once, not per chunk. */
    static byte[][] buffers(int size) {
        byte[][] buffers = new byte[BUFFERS][];
        for (int i = 0; i < BUFFERS; i++) buffers[i] = new byte[size];
        return buffers;
    }

    /**
     * Reads {@code in} into {@code buffers} once {@link #start()}ed. The buffers are the reader's until
     * {@link #next()} has returned the end: a later read-ahead may use them then.
     */
    ReadAhead(InputStream in, long limit, byte[][] buffers, String name) {
        for (byte[] buffer : buffers) free.add(buffer);
        this.reader = new Thread(() -> read(in, limit), "read-ahead " + name);
        reader.setDaemon(true);
    }

    /** Starts the reader. */
    ReadAhead start() {
        reader.start();
        return this;
    }

    /** Called on the reader thread when the stream resumes; handed to the caller's thread in order. */
    void resumed(long offset, String why) {
        put(new Piece(null, 0, offset, why, false, false, null));
    }

    private void read(InputStream in, long limit) {
        Piece last;
        try (InputStream body = in) {
            long left = limit;
            while (left > 0 && !stopped) {
                byte[] buffer = free.take();
                int n = body.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break; // ended early: the caller sees fewer bytes than it wanted, and says so
                }
                left -= n;
                put(new Piece(buffer, n, 0, null, false, false, null));
            }
            last = new Piece(null, 0, 0, null, true, left == 0 && !stopped && body.read() >= 0, null);
        } catch (InterruptedException e) {
            return; // the caller stopped us
        } catch (Throwable e) {
            last = new Piece(null, 0, 0, null, true, false, e);
        }
        put(last);
    }

    private void put(Piece piece) {
        try {
            filled.put(piece);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller stopped us; nobody waits for this piece
        }
    }

    /** The next piece: data, a resume, or the end; the reader's failure is thrown here. */
    Piece next() throws IOException {
        Piece piece;
        try {
            piece = filled.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the network");
        }
        Throwable failure = piece.failure();
        if (failure instanceof IOException io) throw io;
        if (failure instanceof RuntimeException runtime) throw runtime;
        if (failure instanceof Error error) throw error;
        return piece;
    }

    /** Gives a data piece's buffer back for the reader to fill again. */
    void recycle(Piece piece) {
        free.add(piece.bytes());
    }

    /**
     * Stops the reader if it is still running (the caller failed, say on a full disk). A reader blocked in a read
     * ends when the read returns, within the stream's stall timeout; it is a daemon thread and holds nothing else.
     */
    @Override
    public void close() {
        stopped = true;
        reader.interrupt();
    }
}
