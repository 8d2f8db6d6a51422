package dev.updater.schema;

/**
 * Base of every failure the toolchain reports to a user. Messages say what failed and what to do next; the
 * {@link Failure} kind decides the exit code.
 *
 * <p>Messages quote values from outside (names, versions, registry error texts, causes' messages), so every
 * message is passed through {@link UntrustedText#escapeAll} here, once for all failure types: none can carry a newline,
 * an escape sequence or a bidi override to the terminal, the {@code --json} output or the event log.
 */
public abstract class UpdaterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected UpdaterException(String message) {
        super(UntrustedText.escapeAll(message));
    }

    protected UpdaterException(String message, Throwable cause) {
        super(UntrustedText.escapeAll(message), cause);
    }

    public abstract Failure failure();
}
