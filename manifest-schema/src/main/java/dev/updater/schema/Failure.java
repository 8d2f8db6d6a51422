package dev.updater.schema;

/**
 * What kind of failure a user or script is looking at. Each kind maps to one documented, stable exit code of the
 * {@code update} command, so every typed exception in every module declares one of these.
 */
public enum Failure {
    /** Something the user asked for is malformed (flags, references, files). */
    USAGE,
    /** A release, tag, target, key or blob does not exist where it was looked for. */
    NOT_FOUND,
    /** Bytes or metadata failed a check: digest, signature, schema, trust, expiry, patch integrity. */
    VERIFICATION,
    /** The registry could not be reached or kept failing after retries. */
    NETWORK,
    /** The registry refused our credentials or scope. */
    AUTH,
    /** The local install state stopped the operation (lock held, policy refused, no snapshot). */
    STATE,
    /** An installed version failed its health check and was rolled back. */
    HEALTH_CHECK,
    /** A bug or an environment problem we did not anticipate. */
    INTERNAL
}
