package dev.updater.install;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The file system failed under us (disk full, permissions); the journal lets the next run recover. */
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
        return Failure.INTERNAL;
    }
}
