package dev.updater.pull;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** The pull asked for cannot be done as asked (e.g. a digest where TUF trust needs a version): a usage error. */
public final class PullRequestException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public PullRequestException(String message) {
        super(message);
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
