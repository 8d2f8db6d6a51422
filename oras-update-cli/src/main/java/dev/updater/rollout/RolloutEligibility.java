package dev.updater.rollout;

import dev.updater.schema.Digest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * Which devices a rollout admits. A device's position is the first 64 bits of SHA-256(salt, device id) read as a
 * fraction of 2^64 and scaled to [0, 100): uniform over devices, the same on every run, and unrelated between
 * salts. A device is eligible when its position is below the percentage, so raising the percentage only ever
 * adds devices. The salt is length-prefixed so that ("ab", "c") and ("a", "bc") hash apart.
 */
public final class RolloutEligibility {
    private static final double TWO_TO_THE_53 = 0x1.0p53;

    private RolloutEligibility() {}

    /** The device's position in [0, 100) for {@code salt}. */
    public static double position(String salt, DeviceId device) {
        MessageDigest sha = Digest.newMessageDigest();
        byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(saltBytes.length).array());
        sha.update(saltBytes);
        sha.update(device.value().getBytes(StandardCharsets.UTF_8));
        long bits = ByteBuffer.wrap(sha.digest()).getLong();
        // the top 53 bits: exactly representable as a double, so position < 100 for every id
        return (bits >>> 11) / TWO_TO_THE_53 * 100;
    }

    public static boolean admits(RolloutPolicy policy, DeviceId device) {
        return policy.percent() >= 100 || position(policy.salt(), device) < policy.percent();
    }

    /** Admitted now: the rollout has started and the device is in its share. */
    public static boolean admits(RolloutPolicy policy, DeviceId device, Instant now) {
        return policy.start().map(s -> !now.isBefore(s)).orElse(true) && admits(policy, device);
    }
}
