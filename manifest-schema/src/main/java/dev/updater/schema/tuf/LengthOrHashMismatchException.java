package dev.updater.schema.tuf;

/** Bytes do not have the length or hash that trusted metadata lists for them. */
public final class LengthOrHashMismatchException extends TufVerificationException {
    private static final long serialVersionUID = 1L;

    public LengthOrHashMismatchException(String what, String problem) {
        super(what, what + ": " + problem + "; the bytes were not what the signed metadata lists (tampered, "
                + "mixed-and-matched or a stale mirror) and were discarded");
    }
}
