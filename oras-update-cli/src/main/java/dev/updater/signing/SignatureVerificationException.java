package dev.updater.signing;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/**
 * A release's signatures do not satisfy the trust policy. {@link #reason()} says which check failed, so scripts
 * and tests can tell "nobody signed this" from "somebody signed something else".
 */
public final class SignatureVerificationException extends UpdaterException {
    private static final long serialVersionUID = 1L;

    /** The checks of SPEC.md "Signatures / Verification", in the order they are made. */
    public enum Reason {
        /** No signature manifest (or an empty one) exists for the release digest. */
        NO_SIGNATURES,
        /** Signatures exist, but none verifies with any of the listed keys (or identities). */
        SIGNATURE_INVALID,
        /** A listed key signed, but for another manifest digest than the release's. */
        SIGNED_DIGEST_DIFFERS,
        /** Some listed keys signed the release, fewer than the threshold asks for. */
        THRESHOLD_NOT_MET,
        /** The transparency-log proof (Rekor SET) attached to a signature does not verify. */
        TRANSPARENCY_LOG_INVALID
    }

    private final Reason reason;

    public SignatureVerificationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SignatureVerificationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }
}
