package dev.updater.delta;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/**
 * The patch compression asked for cannot be written on this machine (zstd needs zstd-jni's native library). A usage
 * problem: the caller asks for the other compression instead.
 */
public final class CompressionUnavailableException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    public CompressionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
