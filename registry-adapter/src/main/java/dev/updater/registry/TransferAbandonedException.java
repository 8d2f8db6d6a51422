package dev.updater.registry;

import java.io.IOException;

/**
 * A blob transfer that broke and could not be resumed within its retry budget. An {@link IOException} because the
 * reader sees it as the failed read it is; {@link #attempts()} says how many requests the transfer made in all.
 */
public final class TransferAbandonedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    public TransferAbandonedException(String lastFailure, Throwable cause, int attempts) {
        super(lastFailure, cause);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
