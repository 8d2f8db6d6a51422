package dev.updater.delta;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The SHA-256 of an apply's source file, computed on its own thread while the patch is decoded and applied into the
 * temporary output: on a device with two cores the check costs no time. The caller still checks it before the output
 * is renamed into place. Reads by position through the apply's own {@link OldFile}, one fixed buffer at a time.
 */
final class SourceDigest implements AutoCloseable {
    private static final int BUFFER = 1 << 18;

    private final FutureTask<byte[]> task;
    private volatile boolean cancelled;

    SourceDigest(OldFile old) {
        this.task = new FutureTask<>(() -> hash(old));
        Thread thread = new Thread(task, "delta-source-sha256");
        thread.setDaemon(true);
        thread.start();
    }

    private SourceDigest(byte[] known) {
        this.task = new FutureTask<>(known::clone);
        task.run();
    }

    /** A digest the caller computed already (to choose the patch): the source is not read a second time. */
    static SourceDigest known(byte[] sha256) {
        return new SourceDigest(sha256.clone());
    }

    private byte[] hash(OldFile old) throws IOException {
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(1, old.size()))];
        for (long position = 0; position < old.size() && !cancelled; ) {
            int n = (int) Math.min(buffer.length, old.size() - position);
            old.read(position, buffer, 0, n);
            digest.update(buffer, 0, n);
            position += n;
        }
        return digest.digest();
    }

    /** Whether the digest is ready, so that {@link #await()} would not wait. */
    boolean isDone() {
        return task.isDone();
    }

    /** Waits for the digest. Reading the source may fail like any read of it, with an {@link IOException}. */
    byte[] await() throws IOException {
        return DeltaEngine.await(task);
    }

    /** Stops hashing early if it is still running and waits for the thread, so the source file may be closed. */
    @Override
    public void close() {
        cancelled = true;
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Only the result is lost, and the apply that wanted it has already ended.
        }
    }
}
