package dev.updater.signing;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/** No usable password for a key: none given, the password file unreadable, or the two entries differ. */
public final class PasswordException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public PasswordException(String message) {
        super(message);
    }

    public PasswordException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
