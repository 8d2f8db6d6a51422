package dev.updater.registry;

import dev.updater.schema.Failure;

/** A repository, tag, manifest or blob does not exist in the store. */
public final class NotFoundException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.NOT_FOUND;
    }
}
