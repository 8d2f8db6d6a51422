package dev.updater.registry.remote;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry policy of the transport: exponential backoff with full jitter, bounded both in attempts and in time,
 * so a device on a flaky link retries sensibly and a CI job never hangs. A server's {@code Retry-After} wins when it
 * asks for longer (up to one minute, so a misconfigured server cannot park a device for hours). Each operation (one
 * request, or one blob transfer with all its resumes) spends one {@link RetryBudget}; nothing above the transport
 * retries again, so {@link #maxAttempts()} is what a failing registry sees, not a product of nested loops.
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

    /** The same policy with another attempt count ({@code pull --retries N}). */
    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialDelay, maxDelay, totalBudget);
    }

    /** A fresh budget for one operation. */
    public RetryBudget budget() {
        return new RetryBudget(this);
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
