package dev.updater.registry;

import dev.updater.schema.Digest;

/** Observes a transfer (progress bars, JSON progress events). Called from the transferring thread. */
public interface TransferListener {
    TransferListener NONE = new TransferListener() { };

    default void started(Digest blob, String label, long total, long alreadyHave) { }

    default void progressed(Digest blob, long done, long total) { }

    /** A connection failed mid-transfer and is being resumed from {@code offset}. */
    default void resumed(Digest blob, long offset, String reason) { }

    default void finished(Digest blob, long total) { }
}
