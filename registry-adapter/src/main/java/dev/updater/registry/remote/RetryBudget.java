package dev.updater.registry.remote;

import java.time.Duration;

/**
 * What one operation may still spend under its {@link RetryPolicy}: attempts (every request sent counts, the resumed
 * requests of a blob transfer included) and time. The time budget counts from the operation's start and starts
 * afresh whenever a transfer made progress before it broke: a slow but moving download of a large blob is not a
 * failing one, while a registry that answers nothing useful runs out of time. Not shared between threads.
 */
public final class RetryBudget {
    private final RetryPolicy policy;
    private int attempts;
    private long deadline;

    RetryBudget(RetryPolicy policy) {
        this.policy = policy;
        this.deadline = System.nanoTime() + policy.totalBudget().toNanos();
    }

    public RetryPolicy policy() {
        return policy;
    }

    /** Requests sent so far in this operation. */
    public int attempts() {
        return attempts;
    }

    void attemptStarted() {
        attempts++;
    }

    /** The last request does not count: it only learned that a (fresh) token was needed. */
    void notAnAttempt() {
        attempts--;
    }

    /** Whether another attempt is allowed: attempts left, and time left. */
    boolean canRetry() {
        return attempts < policy.maxAttempts() && System.nanoTime() <= deadline;
    }

    /** Time left before the budget runs out; zero once it has. */
    Duration timeLeft() {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The transfer delivered bytes before it broke: its time budget starts again (its attempts do not). */
    void progressed() {
        deadline = System.nanoTime() + policy.totalBudget().toNanos();
    }

    /** The backoff before the next attempt, or the server's {@code Retry-After} when longer. */
    Duration delayBeforeNext(Duration retryAfter) {
        return policy.delayAfter(Math.max(1, attempts), retryAfter);
    }
}
