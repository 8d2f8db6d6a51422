package dev.updater.tuf;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The signed targets metadata lists no release under the path a pull asked for: tags alone are never trusted. */
public final class UntrustedReleaseException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public UntrustedReleaseException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.NOT_FOUND;
    }
}
