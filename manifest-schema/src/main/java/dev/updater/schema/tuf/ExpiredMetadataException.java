package dev.updater.schema.tuf;

import java.time.Instant;

/** A role's metadata is past its {@code expires} time (the "indefinite freeze" attack, or a stale publisher). */
public final class ExpiredMetadataException extends TufVerificationException {
    private static final long serialVersionUID = 1L;

    public ExpiredMetadataException(String role, long version, Instant expires, Instant now) {
        super(role, role + " metadata version " + version + " expired at " + expires + " (now " + now
                + "): refusing it, a frozen or stale repository could be hiding updates; " + renewHint(role));
    }
}
