package dev.updater.schema.tuf;

/** Metadata offered is older than what is already trusted (the rollback attack). */
public final class RollbackException extends TufVerificationException {
    private static final long serialVersionUID = 1L;

    public RollbackException(String role, long offered, long trusted) {
        super(role, role + " metadata version " + offered + " is older than trusted version " + trusted
                + ": refusing a rollback; if the repository was reset on purpose, the device must be re-initialised"
                + " with a new root");
    }

    public RollbackException(String role, String what, long offered, long trusted) {
        super(role, role + " metadata lists " + what + " version " + offered + ", older than trusted version "
                + trusted + ": refusing a rollback; the publisher must republish with increasing versions");
    }
}
