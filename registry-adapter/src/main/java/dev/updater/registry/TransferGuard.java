package dev.updater.registry;

import java.io.InputStream;

/**
 * How one blob transfer is watched: a body with no data for {@code stallMillis}, or slower than {@code minimum}, is
 * cut (see {@link StallGuard}) and resumed like any broken connection; {@code onResume} hears of each resume.
 */
public record TransferGuard(long stallMillis, MinimumThroughput minimum, Resumed onResume) {

    /** Told when a broken transfer is continued from {@code offset} because of {@code why}. */
    @FunctionalInterface
    public interface Resumed {
        void resumed(long offset, String why);
    }

    public TransferGuard {
        if (stallMillis < 1) throw new IllegalArgumentException("stall timeout must be positive");
        if (minimum == null || onResume == null) throw new IllegalArgumentException("minimum and listener required");
    }

    /** {@code in} with the stall and throughput checks. */
    public InputStream watch(InputStream in) {
        return new StallGuard(in, stallMillis, minimum);
    }

    /**
     * {@code in}, whose reads already time out after {@link #stallMillis()} (a socket's read timeout), with the
     * throughput check on the reading thread (see {@link ReadTimeoutGuard}).
     */
    public InputStream watchTimedReads(InputStream in) {
        return new ReadTimeoutGuard(in, stallMillis, minimum);
    }
}
