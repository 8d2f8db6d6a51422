package dev.updater.schema.tuf;

/** Metadata is well signed but contradicts other trusted metadata (a role missing from snapshot, a wrong type). */
public final class RepositoryInconsistencyException extends TufVerificationException {
    private static final long serialVersionUID = 1L;

    public RepositoryInconsistencyException(String role, String problem) {
        super(role, role + ": " + problem);
    }
}
