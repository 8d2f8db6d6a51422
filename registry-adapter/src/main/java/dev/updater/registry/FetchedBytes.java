package dev.updater.registry;

import dev.updater.schema.Digest;
import java.util.HashMap;
import java.util.Map;

/**
 * Passes a transfer's events on and counts the bytes this run fetched: a blob found complete (or partly) in the
 * downloads area from an earlier run counts only what was still missing, so "bytes downloaded" is what crossed the
 * link, not the payload's size.
 */
public final class FetchedBytes implements TransferListener {
    private final TransferListener next;
    private final Map<Digest, Long> startedAt = new HashMap<>();
    private long fetched;

    public FetchedBytes(TransferListener next) {
        this.next = next;
    }

    /** The bytes fetched by the transfers that finished so far. */
    public synchronized long fetched() {
        return fetched;
    }

    @Override
    public synchronized void started(Digest blob, String label, long total, long alreadyHave) {
        startedAt.put(blob, alreadyHave);
        next.started(blob, label, total, alreadyHave);
    }

    @Override
    public void progressed(Digest blob, long done, long total) {
        next.progressed(blob, done, total);
    }

    @Override
    public void resumed(Digest blob, long offset, String reason) {
        next.resumed(blob, offset, reason);
    }

    @Override
    public synchronized void finished(Digest blob, long total) {
        Long from = startedAt.remove(blob);
        fetched += total - (from == null ? 0 : from);
        next.finished(blob, total);
    }
}
