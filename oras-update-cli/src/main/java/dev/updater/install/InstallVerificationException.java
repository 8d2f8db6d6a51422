package dev.updater.install;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** A payload or an installed version failed a check (digest, size, unsafe archive entry); nothing was switched. */
public final class InstallVerificationException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public InstallVerificationException(String message) {
        super(message);
    }

    public InstallVerificationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }
}
