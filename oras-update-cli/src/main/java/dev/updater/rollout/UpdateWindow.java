package dev.updater.rollout;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A daily span of the device's local wall-clock time in which normal releases may be installed, e.g.
 * {@code 02:00-04:00}; one whose end is before its start runs across midnight ({@code 22:00-02:00}). The start is
 * inside, the end is not. Comparing wall-clock times keeps a window at the same local hours across a DST change:
 * on the night the clock jumps forward, the skipped hour simply does not occur.
 */
public record UpdateWindow(LocalTime start, LocalTime end) {
    private static final Pattern FORMAT = Pattern.compile("([0-9]{2}:[0-9]{2})-([0-9]{2}:[0-9]{2})");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm")
            .withResolverStyle(java.time.format.ResolverStyle.STRICT);

    public UpdateWindow {
        if (start == null || end == null) throw new IllegalArgumentException("a window has a start and an end");
        if (start.equals(end)) {
            throw new IllegalArgumentException("a window from " + start + " to " + end + " is empty; leave out "
                    + "--window to install at any time");
        }
    }

    public static UpdateWindow parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("a window is HH:MM-HH:MM in the device's local time, e.g. "
                    + "02:00-04:00 (22:00-02:00 runs across midnight)");
        }
        try {
            return new UpdateWindow(LocalTime.parse(m.group(1), HH_MM), LocalTime.parse(m.group(2), HH_MM));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time of day in " + text + " (00:00 to 23:59)");
        }
    }

    public boolean crossesMidnight() {
        return end.isBefore(start);
    }

    public boolean contains(LocalTime time) {
        if (crossesMidnight()) return !time.isBefore(start) || time.isBefore(end);
        return !time.isBefore(start) && time.isBefore(end);
    }

    @Override
    public String toString() {
        return HH_MM.format(start) + "-" + HH_MM.format(end);
    }
}
