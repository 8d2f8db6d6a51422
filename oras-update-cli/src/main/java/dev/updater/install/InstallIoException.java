package dev.updater.install;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/**
 * The install root's file system failed under us or refuses writes (disk full, read-only, permissions): local state
 * the user must fix, not a bug (exit 7). The journal lets the next run recover.
 */
public final class InstallIoException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public InstallIoException(String message) {
        super(message);
    }

    public InstallIoException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }
}
