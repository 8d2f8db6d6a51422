package dev.updater.schema.tuf;

import dev.updater.schema.Digest;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.nio.charset.StandardCharsets;

/**
 * Succinct hash-bin delegation (TAP 15), as python-tuf implements it: {@code 2^bit_length} terminating roles named
 * {@code NAME_PREFIX-<hex bin>} (zero-padded to the width of the last bin), all signed by the same keys; a target
 * belongs to the bin given by the leftmost {@code bit_length} bits of the sha256 of its path.
 */
public record SuccinctRoles(Role role, int bitLength, String namePrefix) {
    public SuccinctRoles {
        if (bitLength < 1 || bitLength > 32) throw new IllegalArgumentException("bit_length must be 1 to 32");
        if (namePrefix == null) throw new IllegalArgumentException("name_prefix is required");
    }

    static SuccinctRoles read(JsonReader r) {
        try {
            return new SuccinctRoles(Role.read(r), r.intValue("bit_length"), r.string("name_prefix"));
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(r.path(), e.getMessage());
        }
    }

    private int suffixLength() {
        return Long.toHexString((1L << bitLength) - 1).length();
    }

    /** The bin role responsible for {@code targetPath}. */
    public String roleFor(String targetPath) {
        byte[] hash = Digest.of(targetPath.getBytes(StandardCharsets.UTF_8)).bytes();
        long first32 = ((hash[0] & 0xffL) << 24) | ((hash[1] & 0xffL) << 16) | ((hash[2] & 0xffL) << 8) | (hash[3] & 0xffL);
        long bin = first32 >>> (32 - bitLength);
        return namePrefix + "-" + String.format("%0" + suffixLength() + "x", bin);
    }

    public boolean isDelegatedRole(String roleName) {
        String prefix = namePrefix + "-";
        if (!roleName.startsWith(prefix)) return false;
        String suffix = roleName.substring(prefix.length());
        if (suffix.length() != suffixLength() || !suffix.matches("[0-9a-fA-F]+")) return false;
        return Long.parseLong(suffix, 16) < (1L << bitLength);
    }
}
