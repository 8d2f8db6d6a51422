package dev.updater.schema.tuf;

import dev.updater.schema.Failure;
import dev.updater.schema.UpdaterException;

/**
 * TUF metadata was refused. Each subtype is one failure kind of the specification's client workflow; every message
 * names the role, the version seen and what the publisher or user can do. Nothing trusted changes when one is thrown.
 */
public abstract class TufVerificationException extends UpdaterException {
    private static final long serialVersionUID = 1L;
    private final String role;

    protected TufVerificationException(String role, String message) {
        super(message);
        this.role = role;
    }

    /** The role whose metadata was refused, e.g. {@code timestamp} or a delegated role name. */
    public String role() {
        return role;
    }

    @Override
    public Failure failure() {
        return Failure.VERIFICATION;
    }

    /** Which publisher command renews a role's metadata, for "what to do" hints. */
    static String renewHint(String role) {
        return switch (role) {
            case "timestamp" -> "the publisher must run 'update trust timestamp'";
            case "root" -> "the publisher must sign a new root version with 'update trust rotate'";
            default -> "the publisher must publish a new " + role + " version (then 'update trust timestamp')";
        };
    }
}
