package dev.updater.cli;

import java.time.Duration;

/** Test access to package-private helpers of {@link TrustCommand}. */
public final class TrustCommandAccess {
    private TrustCommandAccess() {}

    public static Duration parseDuration(String text) {
        return TrustCommand.parseDuration(text);
    }
}
