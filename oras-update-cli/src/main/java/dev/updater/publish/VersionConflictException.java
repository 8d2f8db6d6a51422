package dev.updater.publish;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** A version is published already with other content: versions are immutable, devices may have installed it. */
public final class VersionConflictException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public VersionConflictException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }
}
