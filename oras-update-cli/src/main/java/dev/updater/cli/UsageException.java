package dev.updater.cli;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The user asked for something malformed: a flag value, a file that does not exist, a reference we cannot parse. */
public final class UsageException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
