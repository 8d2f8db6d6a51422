package dev.updater.registry;

import dev.updater.schema.Failure;

/**
 * A registry credentials file ({@code config.json}, {@code --registry-config}) that {@code login}/{@code logout}
 * cannot update safely: not JSON, not an object, a directory. Local state (exit 7): it is left as it was, and the
 * message names it so the user can repair or move it.
 */
public final class RegistryConfigException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryConfigException(String message) {
        super(message);
    }

    public RegistryConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }
}
