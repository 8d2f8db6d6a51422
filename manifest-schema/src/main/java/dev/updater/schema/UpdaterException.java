package dev.updater.schema;

/**
 * Base of every failure the toolchain reports to a user. Messages say what failed and what to do next; the
 * {@link Failure} kind decides the exit code.
 */
public abstract class UpdaterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected UpdaterException(String message) {
        super(message);
    }

    protected UpdaterException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract Failure failure();
}
