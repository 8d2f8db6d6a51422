package dev.updater.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** An OCI content digest. Only sha256 is accepted: it is what every registry and our signatures use. */
public record Digest(String hex) implements Comparable<Digest> {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    public static final String ALGORITHM = "sha256";

    public Digest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("a sha256 digest needs 64 lowercase hex characters, got: " + hex);
        }
    }

    /** Parses {@code sha256:<64 hex>}; anything else is an {@link IllegalArgumentException} naming the input. */
    public static Digest parse(String text) {
        if (text == null || !text.startsWith(ALGORITHM + ":")) {
            throw new IllegalArgumentException("not a sha256 digest (expected 'sha256:<64 hex>'): " + text);
        }
        return new Digest(text.substring(ALGORITHM.length() + 1));
    }

    public static boolean isValid(String text) {
        return text != null && text.startsWith(ALGORITHM + ":") && HEX.matcher(text.substring(7)).matches();
    }

    public static Digest of(byte[] bytes) {
        return fromBytes(newMessageDigest().digest(bytes));
    }

    /** The digest of everything {@code in} delivers, read to its end (the caller closes it). */
    public static Digest of(java.io.InputStream in) throws java.io.IOException {
        MessageDigest sha = newMessageDigest();
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
        }
        return fromBytes(sha.digest());
    }

    public static Digest ofUtf8(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    public static Digest fromBytes(byte[] sha256) {
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newMessageDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    /** The short form people recognise in logs: the first 12 hex characters. */
    public String shortForm() {
        return hex.substring(0, 12);
    }

    @Override
    public int compareTo(Digest other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }
}
