package dev.updater.registry.remote;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, bounded both in attempts and in total time, so a device on a flaky link
 * retries sensibly and a CI job never hangs. A server's {@code Retry-After} wins when it asks for longer (up to the
 * one minute, so a misconfigured server cannot park a device for hours).
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration totalBudget) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10),
            Duration.ofSeconds(90));
    private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("at least one attempt");
        if (initialDelay.isNegative() || maxDelay.isNegative() || totalBudget.isNegative()) {
            throw new IllegalArgumentException("durations cannot be negative");
        }
    }

    /**
     * The longest server-requested wait we honour before one retry; a {@code Retry-After} beyond it (or beyond
     * what is left of {@link #totalBudget()}) ends the retries at once instead of waiting less than asked.
     */
    public Duration longestServerWait() {
        return MAX_RETRY_AFTER;
    }

    /** How long to wait before attempt {@code attempt + 1} (attempts count from 1). */
    public Duration delayAfter(int attempt, Duration retryAfter) {
        long capMillis = Math.min(maxDelay.toMillis(), initialDelay.toMillis() << Math.min(attempt - 1, 20));
        long jittered = capMillis <= 0 ? 0 : ThreadLocalRandom.current().nextLong(capMillis / 2, capMillis + 1);
        long wanted = Math.max(jittered, Math.min(retryAfter.toMillis(), MAX_RETRY_AFTER.toMillis()));
        return Duration.ofMillis(wanted);
    }
}
