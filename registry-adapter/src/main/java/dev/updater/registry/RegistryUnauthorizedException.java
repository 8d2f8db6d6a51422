package dev.updater.registry;

import dev.updater.schema.Failure;

/** The registry refused the credentials (401) or the scope (403). */
public final class RegistryUnauthorizedException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryUnauthorizedException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.AUTH;
    }
}
