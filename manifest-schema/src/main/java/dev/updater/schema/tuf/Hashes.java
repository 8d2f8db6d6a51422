package dev.updater.schema.tuf;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks bytes against the {@code hashes} of a file entry while they stream past: create one with the expected
 * hashes, {@link #update} every chunk once, then {@link #verify}. Every listed algorithm must match; an algorithm we
 * do not know fails rather than being skipped.
 */
public final class Hashes {
    private static final Map<String, String> JCA_NAMES = Map.of(
            "sha224", "SHA-224", "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512");

    private final String what;
    private final Map<String, String> expected;
    private final Map<String, MessageDigest> digests = new LinkedHashMap<>();
    private long length;

    public Hashes(String what, Map<String, String> expected) {
        this.what = what;
        this.expected = Map.copyOf(expected);
        for (String algorithm : expected.keySet()) {
            String jca = JCA_NAMES.get(algorithm);
            if (jca == null) {
                throw new LengthOrHashMismatchException(what, "hash algorithm '" + algorithm + "' is not supported "
                        + "(supported: sha224, sha256, sha384, sha512)");
            }
            try {
                digests.put(algorithm, MessageDigest.getInstance(jca));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has " + jca, e);
            }
        }
    }

    public void update(byte[] buffer, int offset, int count) {
        for (MessageDigest digest : digests.values()) digest.update(buffer, offset, count);
        length += count;
    }

    /** Throws unless the bytes seen have {@code expectedLength} (if given) and every expected hash. */
    public void verify(java.util.OptionalLong expectedLength) {
        if (expectedLength.isPresent() && expectedLength.getAsLong() != length) {
            throw new LengthOrHashMismatchException(what, "length is " + length + " bytes, signed metadata says "
                    + expectedLength.getAsLong());
        }
        for (Map.Entry<String, MessageDigest> e : digests.entrySet()) {
            String actual = HexFormat.of().formatHex(e.getValue().digest());
            if (!actual.equalsIgnoreCase(expected.get(e.getKey()))) {
                throw new LengthOrHashMismatchException(what, e.getKey() + " is " + actual + ", signed metadata says "
                        + expected.get(e.getKey()));
            }
        }
    }

    /** One-shot check of bytes already in memory. */
    public static void verify(String what, byte[] data, java.util.OptionalLong length, Map<String, String> hashes) {
        Hashes check = new Hashes(what, hashes);
        check.update(data, 0, data.length);
        check.verify(length);
    }
}
