package dev.updater.cli;

import dev.updater.pull.DeviceContext;
import dev.updater.rollout.DeviceId;
import dev.updater.rollout.DeviceIdentity;
import dev.updater.rollout.UpdateWindow;
import dev.updater.schema.SemVer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Who the device is to a rollout and when it may install: {@code --device-id} and {@code --window}. */
public final class DeviceOptions {
    @Option(names = "--device-id", paramLabel = "ID",
            description = "This device's id for rollouts (letters, digits, '.', '_', ':', '-'; default: the random "
                    + "id created once in the state directory, shown by 'update status').")
    String deviceId;

    @Option(names = "--window", paramLabel = "HH:MM-HH:MM",
            description = "Install normal releases only inside this daily window of the device's local time "
                    + "(repeatable; 22:00-02:00 runs across midnight). Critical releases install at once.")
    List<String> windows = new ArrayList<>();

    boolean given() {
        return deviceId != null || !windows.isEmpty();
    }

    List<UpdateWindow> windows() {
        List<UpdateWindow> parsed = new ArrayList<>();
        for (String w : windows) {
            try {
                parsed.add(UpdateWindow.parse(w));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--window " + w + ": " + e.getMessage());
            }
        }
        return parsed;
    }

    /** The given id, or the one kept in {@code stateDir} (created there the first time). */
    DeviceId id(Path stateDir) {
        if (deviceId != null) {
            if (!DeviceId.isValid(deviceId)) {
                throw new UsageException("--device-id: 1 to 128 letters, digits, '.', '_', ':' or '-', starting "
                        + "with a letter or digit");
            }
            return new DeviceId(deviceId);
        }
        return DeviceIdentity.loadOrCreate(stateDir);
    }

    DeviceContext context(Path stateDir, Optional<SemVer> current, boolean allowDowngrade) {
        List<UpdateWindow> parsed = windows(); // a bad window is a usage error before the id file is created
        return new DeviceContext(id(stateDir), parsed, Clock.systemDefaultZone(), current, allowDowngrade);
    }
}
