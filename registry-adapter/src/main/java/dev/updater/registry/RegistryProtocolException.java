package dev.updater.registry;

import dev.updater.schema.Failure;

/** The registry answered something the distribution spec does not allow, or refused a request as invalid. */
public final class RegistryProtocolException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryProtocolException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.NETWORK;
    }
}
