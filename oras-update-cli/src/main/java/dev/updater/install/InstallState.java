package dev.updater.install;

import java.util.Locale;

/**
 * The states of an install or rollback, in the order an install passes them. Each is written to the journal and
 * fsync'd before the work it names starts, so after a crash the journal says what may be half done.
 */
public enum InstallState {
    IDLE,
    /** The payload is being downloaded into {@code .updater/downloads/}. Nothing installed is touched. */
    FETCHING,
    /** The downloaded payload (or an already installed copy being reused) is checked against its digest. */
    VALIDATING,
    /** The payload is moved (or copied and hashed again) into {@code versions/.staging-<version>}, renamed. */
    APPLYING,
    /** {@code current} is being switched to the new version; the previous version becomes a snapshot. */
    SWITCHING,
    /** The health check runs against the new version. */
    CHECKING,
    /** Finished: {@code current} is the new version. */
    COMMITTED,
    /** {@code current} is being switched back to an earlier version. */
    ROLLING_BACK,
    /** An unfinished journal found on open is being resolved. */
    RECOVERING,
    /** Finished without installing: {@code current} is what it was before the operation. */
    FAILED;

    public boolean isTerminal() {
        return this == IDLE || this == COMMITTED || this == FAILED;
    }

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static InstallState fromJsonName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
