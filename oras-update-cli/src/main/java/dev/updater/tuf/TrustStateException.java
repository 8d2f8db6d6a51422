package dev.updater.tuf;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The publisher's trust repository is not in a state that allows the operation (missing, already there...). */
public final class TrustStateException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public TrustStateException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }
}
