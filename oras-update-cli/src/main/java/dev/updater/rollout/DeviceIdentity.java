package dev.updater.rollout;

import dev.updater.registry.LocalFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The device id kept in a state directory ({@code DIR/.updater/device-id} of an install root, or the pull state
 * directory): created once, written atomically and durably, and never changed afterwards, so the device stays in the
 * same rollout cohort across reboots and updates.
 */
public final class DeviceIdentity {
    static final String FILE = "device-id";

    private DeviceIdentity() {}

    public static Path fileIn(Path stateDir) {
        return stateDir.resolve(FILE);
    }

    /** The stored id, if one was created; reads only. */
    public static Optional<DeviceId> read(Path stateDir) {
        Path file = fileIn(stateDir);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LocalFileException("cannot read the device id " + file, e);
        }
        if (!DeviceId.isValid(text)) {
            throw new RolloutStateException("the device id file " + file + " is damaged (not an id); delete it to "
                    + "create a new one (the device then joins other rollout cohorts)");
        }
        return Optional.of(new DeviceId(text));
    }

    /** The stored id, created with a fresh random value the first time. */
    public static DeviceId loadOrCreate(Path stateDir) {
        Optional<DeviceId> existing = read(stateDir);
        if (existing.isPresent()) return existing.get();
        DeviceId created = DeviceId.random();
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new LocalFileException("cannot create " + stateDir, e);
        }
        dev.updater.registry.io.Durable.write(fileIn(stateDir), (created + "\n").getBytes(StandardCharsets.US_ASCII));
        return created;
    }
}
