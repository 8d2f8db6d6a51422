package dev.updater.registry;

import dev.updater.schema.Failure;

/** The registry could not be reached, or kept answering with errors after every retry. */
public final class RegistryNetworkException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryNetworkException(String message, Throwable cause) {
        super(message, cause);
    }

    public RegistryNetworkException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.NETWORK;
    }
}
