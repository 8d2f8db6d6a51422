package dev.updater.install;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The new version failed its health check and the previous version was put back. */
public final class HealthCheckFailedException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public HealthCheckFailedException(String message) {
        super(message);
    }

    public HealthCheckFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.HEALTH_CHECK;
    }
}
