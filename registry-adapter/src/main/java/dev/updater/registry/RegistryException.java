package dev.updater.registry;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** Base of failures talking to a store; each subclass is one thing a user can act on. */
public abstract class RegistryException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    protected RegistryException(String message) {
        super(message);
    }

    protected RegistryException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public abstract Failure failure();
}
