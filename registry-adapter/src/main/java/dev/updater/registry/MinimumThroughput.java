package dev.updater.registry;

import java.time.Duration;

/**
 * The slowest transfer worth waiting for: fewer than {@code bytesPerSecond} averaged over {@code window} ends the
 * connection like a stall does. A server that trickles a few bytes a second never trips a no-data timeout, yet a
 * 50 MB payload would take months at that rate; ending it lets the caller retry (often on a better route) and
 * the partial file keeps what did arrive. The default, 1 KiB/s over 30 s, is far below any link a device updates
 * over (a 2G GPRS link carries 5 KiB/s), so only a broken or hostile server trips it.
 *
 * <p>Tests shorten it with the system properties {@value #RATE_PROPERTY} (bytes per second) and
 * {@value #WINDOW_PROPERTY} (milliseconds).
 */
public record MinimumThroughput(long bytesPerSecond, Duration window) {
    public static final String RATE_PROPERTY = "update.transfer.minBytesPerSecond";
    public static final String WINDOW_PROPERTY = "update.transfer.rateWindowMillis";
    public static final MinimumThroughput DEFAULT = new MinimumThroughput(1024, Duration.ofSeconds(30));

    public MinimumThroughput {
        if (bytesPerSecond < 0) throw new IllegalArgumentException("a rate cannot be negative");
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the averaging window must be positive");
        }
    }

    /** The default, or what the system properties say (read now, so a test can set them per run). */
    public static MinimumThroughput configured() {
        long rate = Long.getLong(RATE_PROPERTY, DEFAULT.bytesPerSecond());
        long window = Long.getLong(WINDOW_PROPERTY, DEFAULT.window().toMillis());
        return new MinimumThroughput(Math.max(0, rate), Duration.ofMillis(Math.max(1, window)));
    }

    /** The fewest bytes a full window must bring. */
    long bytesPerWindow() {
        return bytesPerSecond * window.toMillis() / 1000;
    }

    String describe() {
        return bytesPerSecond + " bytes/s averaged over " + window.toMillis() + " ms";
    }
}
