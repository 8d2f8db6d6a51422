package dev.updater.delta;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * SHA-256 of a byte stream, computed on a second thread: hashing the target costs as much as writing it, and a
 * device applying a patch usually has a core to spare. Bytes are copied into a few fixed buffers, so memory stays
 * bounded whatever the stream's length.
 */
final class ParallelDigest {
    private static final int BUFFER = 1 << 18;
    private static final int BUFFERS = 4;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final MessageDigest digest = Sha256.newDigest();
    private final Thread hasher;
    private byte[] current;
    private int filled;
    private volatile RuntimeException failure;

    ParallelDigest() {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[BUFFER]);
        }
        hasher = new Thread(this::hashUntilEnd, "delta-sha256");
        hasher.setDaemon(true);
        hasher.start();
        current = takeFree();
    }

    void update(byte[] bytes, int offset, int length) {
        while (length > 0) {
            int n = Math.min(length, BUFFER - filled);
            System.arraycopy(bytes, offset, current, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == BUFFER) {
                put(current);
                current = takeFree();
                filled = 0;
            }
        }
    }

    /** Waits for the hasher and returns the digest of everything passed to {@link #update}. */
    byte[] digest() {
        if (filled > 0) {
            digestTail();
        }
        put(END);
        join();
        if (failure != null) {
            throw failure;
        }
        return digest.digest();
    }

    /** Stops the hasher without a result (the apply failed). */
    void abandon() {
        hasher.interrupt();
    }

    private void digestTail() {
        // The partial last buffer is hashed here after the hasher drained the full ones, keeping their order.
        byte[] tail = java.util.Arrays.copyOf(current, filled);
        put(tail);
        filled = 0;
    }

    private void hashUntilEnd() {
        try {
            while (true) {
                byte[] buffer = full.take();
                if (buffer == END) {
                    return;
                }
                digest.update(buffer, 0, buffer.length);
                if (buffer.length == BUFFER) {
                    free.put(buffer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private byte[] takeFree() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        }
    }

    private void put(byte[] buffer) {
        try {
            full.put(buffer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        }
    }

    private void join() {
        try {
            hasher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        }
    }
}
