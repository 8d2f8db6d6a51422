package dev.updater.schema.tuf;

/** More bytes than the limit for a file (the "endless data" attack). */
public final class MetadataTooLargeException extends TufVerificationException {
    private static final long serialVersionUID = 1L;

    public MetadataTooLargeException(String what, long limit) {
        super(what, what + " is larger than its limit of " + limit + " bytes: refusing endless data; nothing was "
                + "stored");
    }
}
