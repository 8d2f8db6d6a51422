package dev.updater.schema.tuf;

/** A role's version is not the one its referrer demands (snapshot vs timestamp, targets vs snapshot, root N+1). */
public final class VersionMismatchException extends TufVerificationException {
    private static final long serialVersionUID = 1L;

    public VersionMismatchException(String role, long found, long expected, String source) {
        super(role, role + " metadata has version " + found + " but " + source + " says " + expected
                + ": refusing a mix-and-match of metadata versions; the publisher must republish "
                + (role.equals("root") ? "the root chain" : "snapshot and timestamp ('update trust timestamp')"));
    }
}
