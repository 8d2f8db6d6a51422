package dev.updater.registry.remote;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A server's {@code Retry-After} (RFC 9110 10.2.3): delay seconds or an HTTP date. A value that is neither is
 * ignored (our own backoff applies). Numbers too large for a {@code long} mean "much longer than we will wait", not
 * a parse failure, and no arithmetic on the wish can overflow: it is only compared, never converted to millis
 * unless it is short.
 */
record RetryAfter(Duration delay, String sent) {
    /** Beyond this a number is "forever" for every purpose of ours (and {@link Duration} stays in range). */
    private static final long FOREVER_SECONDS = 100L * 365 * 24 * 3600;

    static Optional<RetryAfter> parse(Optional<String> header, Instant now) {
        if (header.isEmpty()) return Optional.empty();
        String value = header.get().trim();
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long seconds = value.length() > 12 ? FOREVER_SECONDS : Math.min(Long.parseLong(value), FOREVER_SECONDS);
            return Optional.of(new RetryAfter(Duration.ofSeconds(seconds), value));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(new RetryAfter(wait.isNegative() ? Duration.ZERO : wait, value));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
