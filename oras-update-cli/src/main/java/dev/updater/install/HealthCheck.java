package dev.updater.install;

import java.time.Duration;
import java.util.List;

/**
 * A command run after the switch to decide whether the new version works: exit 0 within the timeout keeps it,
 * anything else rolls back. It runs in the new version directory with {@code UPDATE_INSTALL_ROOT},
 * {@code UPDATE_VERSION} and {@code UPDATE_VERSION_DIR} set; its output goes to {@code .updater/logs/health.log}.
 */
public record HealthCheck(List<String> command, Duration timeout) {
    public HealthCheck {
        command = List.copyOf(command);
        if (command.isEmpty()) throw new IllegalArgumentException("a health check needs a command");
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a health check needs a positive timeout");
        }
    }

    /** A shell command line, run with {@code /bin/sh -c}. */
    public static HealthCheck shell(String commandLine, Duration timeout) {
        return new HealthCheck(List.of("/bin/sh", "-c", commandLine), timeout);
    }
}
