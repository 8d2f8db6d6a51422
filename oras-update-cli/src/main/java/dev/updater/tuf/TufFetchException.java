package dev.updater.tuf;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The transport failed while fetching TUF metadata or a target (connection refused, HTTP 5xx, timeout). */
public final class TufFetchException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public TufFetchException(String message, Throwable cause) {
        super(message, cause);
    }

    public TufFetchException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.NETWORK;
    }
}
