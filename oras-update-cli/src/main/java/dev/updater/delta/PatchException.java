package dev.updater.delta;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/**
 * A patch could not be applied: it is truncated, corrupt, hostile, made for another source file, or its result does
 * not match the target digest it promises. Whatever went wrong, no output file is left behind. The caller's next step
 * is to fetch the full payload instead.
 */
public final class PatchException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public PatchException(String message) {
        super(message);
    }

    public PatchException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }
}
