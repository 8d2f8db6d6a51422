package dev.updater.registry.remote;

import dev.updater.registry.RangedStream;
import dev.updater.registry.RegistryNetworkException;
import dev.updater.registry.TransferAbandonedException;
import dev.updater.registry.TransferGuard;
import dev.updater.schema.OciDescriptor;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A blob body that survives broken connections, as go-containerregistry's resumable transport does: when a read
 * fails (reset, truncated, stalled, too slow) before the declared size, the rest is asked for with Range on the
 * same retry budget the first GET spent, and reading goes on. A server that ignores Range sends the blob from the
 * start; the bytes the reader already has are read and dropped, so the reader's view stays contiguous (and the
 * reader's hash of every byte still decides). When the budget is spent the read fails with
 * {@link TransferAbandonedException}.
 */
final class ResumingBlobStream extends InputStream {
    /** Opens the blob from an offset, spending the given budget; the body is under the transfer's guard already. */
    @FunctionalInterface
    interface Opener {
        RangedStream open(OciDescriptor blob, long offset, RetryBudget budget);
    }

    private final OciDescriptor blob;
    private final RetryBudget budget;
    private final TransferGuard guard;
    private final Opener opener;
    private InputStream current;
    /** The offset in the blob of the next byte the reader gets. */
    private long position;
    private boolean progressed;
    /** Bytes at the start of {@link #current} that the reader already has (a server ignored Range). */
    private long toDrop;

    ResumingBlobStream(OciDescriptor blob, RangedStream first, RetryBudget budget, TransferGuard guard,
            Opener opener) {
        this.blob = blob;
        this.budget = budget;
        this.guard = guard;
        this.opener = opener;
        this.current = first.in();
        this.position = first.start();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            try {
                drop();
                int n = current.read(b, off, len);
                if (n > 0) {
                    position += n;
                    progressed = true;
                } else if (n < 0 && position < blob.size()) {
                    throw new EOFException("the body ended at byte " + position + " of " + blob.size());
                }
                return n;
            } catch (IOException e) {
                closeQuietly(current);
                // Everything declared has arrived; whatever broke after it is not ours to want (an over-long body
                // is the reader's to notice).
                if (position >= blob.size()) return -1;
                resume(e);
            }
        }
    }

    private void resume(IOException failure) throws IOException {
        if (progressed) {
            budget.progressed();
            progressed = false;
        }
        String why = String.valueOf(failure.getMessage());
        if (!budget.canRetry()) {
            throw new TransferAbandonedException(why, failure, budget.attempts());
        }
        guard.onResume().resumed(position, why);
        sleep(budget.delayBeforeNext(Duration.ZERO));
        RangedStream next;
        try {
            next = opener.open(blob, position, budget);
        } catch (RegistryNetworkException e) {
            throw new TransferAbandonedException(e.getMessage(), e, budget.attempts());
        }
        current = next.in();
        toDrop = position - next.start();
    }

    /** Reads and drops the bytes the reader already has, under the transfer's guard. */
    private void drop() throws IOException {
        byte[] scratch = toDrop > 0 ? new byte[1 << 16] : null;
        while (toDrop > 0) {
            int n = current.read(scratch, 0, (int) Math.min(scratch.length, toDrop));
            if (n < 0) throw new EOFException("the body ended " + toDrop + " bytes before byte " + position);
            toDrop -= n;
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to resume", e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the connection is being replaced
        }
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
