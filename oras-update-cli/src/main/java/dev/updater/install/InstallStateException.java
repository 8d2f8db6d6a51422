package dev.updater.install;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The install root's state stopped the operation: locked by another updater, refused by policy, nothing to roll back, or not managed by us. */
public final class InstallStateException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public InstallStateException(String message) {
        super(message);
    }

    public InstallStateException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }
}
