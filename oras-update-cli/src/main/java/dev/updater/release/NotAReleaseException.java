package dev.updater.release;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The manifest a reference names is not an update release (or is an inconsistent one). */
public final class NotAReleaseException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public NotAReleaseException(String message) {
        // the message quotes media types and names read from the store
        super(dev.updater.schema.UntrustedText.escapeAll(message));
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }
}
