package dev.updater.pull;

import dev.updater.rollout.DeviceId;
import dev.updater.rollout.UpdateWindow;
import dev.updater.schema.SemVer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The device's side of a rollout decision: who it is, when it may install normal releases (no window: any time),
 * its clock (whose zone is the device's local time), and what it runs now.
 */
public record DeviceContext(DeviceId device, List<UpdateWindow> windows, Clock clock, Optional<SemVer> current,
        boolean allowDowngrade) {
    public DeviceContext {
        if (device == null || clock == null || current == null) {
            throw new IllegalArgumentException("a device id, a clock and the current version (or none)");
        }
        windows = List.copyOf(windows);
    }
}
