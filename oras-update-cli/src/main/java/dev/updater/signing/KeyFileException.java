package dev.updater.signing;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/**
 * A key file (or its password) cannot be used: wrong format, unsupported algorithm, wrong password. The message
 * names the file and what was found in it, so the user knows whether to convert the key or fix the password.
 */
public final class KeyFileException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String source, String problem) {
        super(source + ": " + problem);
    }

    public KeyFileException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
