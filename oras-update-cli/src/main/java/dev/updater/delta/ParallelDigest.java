package dev.updater.delta;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * SHA-256 of a byte stream, computed on a second thread: hashing the target costs as much as writing it, and a
 * device applying a patch usually has a core to spare. The writer fills buffers taken from a small fixed pool and
 * hands each one over whole (no copy); the hasher returns it to the pool once hashed, so memory stays bounded
 * whatever the stream's length.
 */
final class ParallelDigest {
    static final int BUFFER = 1 << 18;
    private static final int BUFFERS = 4;
    private static final Filled END = new Filled(new byte[0], 0);

    private record Filled(byte[] bytes, int length) {}

    private final BlockingQueue<Filled> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final MessageDigest digest = Sha256.newDigest();
    private final Thread hasher;
    private volatile RuntimeException failure;

    ParallelDigest() {
        for (int i = 0; i < BUFFERS; i++) {
            free.add(new byte[BUFFER]);
        }
        hasher = new Thread(this::hashUntilEnd, "delta-sha256");
        hasher.setDaemon(true);
        hasher.start();
    }

    /** A buffer of {@link #BUFFER} bytes to fill; waits while all of them are still being hashed. */
    byte[] takeBuffer() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing", e);
        }
    }

    /**
     * Hashes the first {@code length} bytes of a buffer from {@link #takeBuffer()}, in the order of the calls. The
     * caller may still read the buffer (to write it out) but must not change it or hand it over twice.
     */
    void hash(byte[] buffer, int length) {
        put(new Filled(buffer, length));
    }

    /** Waits for the hasher and returns the digest of everything passed to {@link #hash}. */
    byte[] digest() {
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

    private void hashUntilEnd() {
        try {
            while (true) {
                Filled buffer = full.take();
                if (buffer == END) {
                    return;
                }
                digest.update(buffer.bytes(), 0, buffer.length());
                free.put(buffer.bytes());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void put(Filled buffer) {
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
