package dev.updater.install;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The payload could not be fetched, after every retry. */
public final class FetchFailedException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public FetchFailedException(String message) {
        super(message);
    }

    public FetchFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.NETWORK;
    }
}
