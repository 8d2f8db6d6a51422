package dev.updater.install;

import java.time.Duration;
import java.util.Optional;

/**
 * How an {@link Installer} behaves. Start from {@link #defaults()} and change what differs.
 *
 * @param lockTimeout how long {@link Installer#open} waits for another updater to release the install root
 * @param fetchAttempts how many times {@link Installer} calls a failing payload source; 1 by default, since the
 *     registry transport under the pull's source owns the retries (one policy: retrying here as well multiplied
 *     the attempts a failing registry got). More is for a source that has no retries of its own.
 * @param initialBackoff the wait after the first failed attempt; it doubles after each further one
 * @param maxHistoryVersions how many earlier versions stay on disk (the current one is not counted)
 * @param maxHistoryBytes how many bytes those earlier versions may use in total
 */
public record InstallOptions(Duration lockTimeout, int fetchAttempts, Duration initialBackoff, int maxHistoryVersions,
        long maxHistoryBytes, boolean allowDowngrade, boolean allowPrerelease, Optional<HealthCheck> healthCheck,
        Optional<InstallListener> listener) {

    public static final int DEFAULT_HISTORY_VERSIONS = 3;
    public static final long DEFAULT_HISTORY_BYTES = 50L * 1024 * 1024;

    public InstallOptions {
        if (lockTimeout == null || lockTimeout.isNegative()) throw new IllegalArgumentException("lock timeout < 0");
        if (fetchAttempts < 1) throw new IllegalArgumentException("at least one fetch attempt is needed");
        if (initialBackoff == null || initialBackoff.isNegative()) throw new IllegalArgumentException("backoff < 0");
        if (maxHistoryVersions < 0) throw new IllegalArgumentException("history version limit < 0");
        if (maxHistoryBytes < 0) throw new IllegalArgumentException("history size limit < 0");
        if (healthCheck == null || listener == null) throw new IllegalArgumentException("use Optional.empty()");
    }

    public static InstallOptions defaults() {
        return new InstallOptions(Duration.ofSeconds(5), 1, Duration.ofMillis(500), DEFAULT_HISTORY_VERSIONS,
                DEFAULT_HISTORY_BYTES, false, false, Optional.empty(), Optional.empty());
    }

    public InstallOptions withLockTimeout(Duration d) {
        return new InstallOptions(d, fetchAttempts, initialBackoff, maxHistoryVersions, maxHistoryBytes,
                allowDowngrade, allowPrerelease, healthCheck, listener);
    }

    public InstallOptions withFetchRetries(int attempts, Duration firstBackoff) {
        return new InstallOptions(lockTimeout, attempts, firstBackoff, maxHistoryVersions, maxHistoryBytes,
                allowDowngrade, allowPrerelease, healthCheck, listener);
    }

    public InstallOptions withRetention(int versions, long bytes) {
        return new InstallOptions(lockTimeout, fetchAttempts, initialBackoff, versions, bytes, allowDowngrade,
                allowPrerelease, healthCheck, listener);
    }

    public InstallOptions withAllowDowngrade(boolean allow) {
        return new InstallOptions(lockTimeout, fetchAttempts, initialBackoff, maxHistoryVersions, maxHistoryBytes,
                allow, allowPrerelease, healthCheck, listener);
    }

    public InstallOptions withAllowPrerelease(boolean allow) {
        return new InstallOptions(lockTimeout, fetchAttempts, initialBackoff, maxHistoryVersions, maxHistoryBytes,
                allowDowngrade, allow, healthCheck, listener);
    }

    public InstallOptions withHealthCheck(Optional<HealthCheck> check) {
        return new InstallOptions(lockTimeout, fetchAttempts, initialBackoff, maxHistoryVersions, maxHistoryBytes,
                allowDowngrade, allowPrerelease, check, listener);
    }

    public InstallOptions withListener(Optional<InstallListener> l) {
        return new InstallOptions(lockTimeout, fetchAttempts, initialBackoff, maxHistoryVersions, maxHistoryBytes,
                allowDowngrade, allowPrerelease, healthCheck, l);
    }
}
