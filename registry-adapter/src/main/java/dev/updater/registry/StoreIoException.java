package dev.updater.registry;

import dev.updater.schema.Failure;

/** A local file operation of a store failed (disk full, permissions). */
public final class StoreIoException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public StoreIoException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    @Override
    public Failure failure() {
        return Failure.INTERNAL;
    }
}
