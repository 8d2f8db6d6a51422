package dev.updater.registry;

import dev.updater.schema.Digest;
import dev.updater.schema.Failure;

/** Bytes received do not hash to the digest they were asked for (or are longer than declared). */
public final class DigestMismatchException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public DigestMismatchException(String what, Digest expected, String actual) {
        super(what + " failed verification: expected " + expected + ", got " + actual
                + ". The store holds corrupted or tampered content; nothing was written. "
                + "Re-push the release, or report it to the registry operator.");
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }
}
