package dev.updater.registry;

import dev.updater.schema.Failure;

/** A {@code --ca-file} that cannot be read or holds no X.509 certificate: the user named the wrong file. */
public final class CertificateFileException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public CertificateFileException(String message) {
        super(message);
    }

    public CertificateFileException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Failure failure() {
        return Failure.USAGE;
    }
}
