package dev.updater.rollout;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The device's or the repository's rollout state stops the operation (a damaged id file, no channel to roll out). */
public final class RolloutStateException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public RolloutStateException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.STATE;
    }
}
