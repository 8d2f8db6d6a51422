package dev.updater.registry;

import dev.updater.schema.Failure;

/** A reference string that names no store. */
public final class InvalidReferenceException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public InvalidReferenceException(String reference, String problem) {
        super("invalid reference '" + reference + "': " + problem);
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
