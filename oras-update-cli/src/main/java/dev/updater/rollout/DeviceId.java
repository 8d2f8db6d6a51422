package dev.updater.rollout;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Who a device is to a rollout: the input of the eligibility hash. Either the random 128-bit id the device created
 * once ({@link DeviceIdentity}), or one a fleet tool gives ({@code --device-id}); printable so it can be logged and
 * passed on a command line.
 */
public record DeviceId(String value) {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public DeviceId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("a device id is 1 to 128 letters, digits, '.', '_', ':' or '-', "
                    + "starting with a letter or digit");
        }
    }

    public static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    /** A fresh random id: 128 bits as 32 lowercase hex digits. */
    public static DeviceId random() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return new DeviceId(HexFormat.of().formatHex(bits));
    }

    @Override
    public String toString() {
        return value;
    }
}
