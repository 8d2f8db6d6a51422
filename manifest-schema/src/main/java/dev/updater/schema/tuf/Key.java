package dev.updater.schema.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A public key as TUF metadata lists it ({@code keytype}, {@code scheme}, {@code keyval.public}). Supported, with the
 * JDK's own providers: {@code ed25519}/{@code ed25519} (hex raw key), {@code ecdsa} or {@code ecdsa-sha2-nistp256}
 * with scheme {@code ecdsa-sha2-nistp256} (PEM, as securesystemslib stores it, or hex SEC1 point; DER signature),
 * {@code rsa}/{@code rsassa-pss-sha256} (PEM). Also accepted, as securesystemslib defines them: scheme
 * {@code ecdsa-sha2-nistp384} (PEM), {@code rsassa-pss-sha224/384/512} and {@code rsa-pkcs1v15-sha224/256/384/512}.
 * Any other combination never verifies anything.
 *
 * @param json the key object as read, so re-serialising keeps fields we do not model
 */
public record Key(String keyType, String scheme, String publicValue, JsonNode json) {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] ED25519_SPKI_PREFIX = HEX.parseHex("302a300506032b6570032100");
    private static final byte[] P256_SPKI_PREFIX =
            HEX.parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

    public Key {
        if (keyType == null || keyType.isEmpty()) throw new IllegalArgumentException("keytype is required");
        if (scheme == null || scheme.isEmpty()) throw new IllegalArgumentException("scheme is required");
        if (publicValue == null || publicValue.isEmpty()) throw new IllegalArgumentException("public is required");
        if (json == null) throw new IllegalArgumentException("json is required");
    }

    public static Key of(String keyType, String scheme, String publicValue) {
        ObjectNode node = Json.object();
        node.put("keytype", keyType);
        node.putObject("keyval").put("public", publicValue);
        node.put("scheme", scheme);
        return new Key(keyType, scheme, publicValue, node);
    }

    static Key read(JsonReader r) {
        return new Key(r.string("keytype"), r.string("scheme"), r.object("keyval").string("public"), r.raw());
    }

    /** The key id the specification defines: hex sha256 of the canonical JSON of the key object. */
    public String computeKeyId() {
        return dev.updater.schema.Digest.of(TufJson.canonical(json)).hex();
    }

    /** Identity of the key material, so one key listed under two key ids still counts once towards a threshold. */
    String material() {
        return keyType.toLowerCase(Locale.ROOT) + "|" + scheme + "|" + publicValue.strip();
    }

    public boolean isSupported() {
        return switch (scheme) {
            case "ed25519" -> keyType.equals("ed25519");
            case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384" -> keyType.equals("ecdsa") || keyType.equals(scheme);
            case "rsassa-pss-sha224", "rsassa-pss-sha256", "rsassa-pss-sha384", "rsassa-pss-sha512",
                    "rsa-pkcs1v15-sha224", "rsa-pkcs1v15-sha256", "rsa-pkcs1v15-sha384", "rsa-pkcs1v15-sha512" ->
                    keyType.equals("rsa");
            default -> false;
        };
    }

    /** True only if {@code signatureHex} is this key's valid signature over {@code message}; never throws. */
    public boolean verify(byte[] message, String signatureHex) {
        if (!isSupported()) return false;
        byte[] signature;
        try {
            signature = HEX.parseHex(signatureHex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            if (scheme.equals("ed25519")) return verifyWith("Ed25519", ed25519PublicKey(), message, signature);
            String bits = scheme.substring(scheme.length() - 3);
            if (scheme.startsWith("ecdsa-")) {
                return verifyWith("SHA" + (bits.equals("256") ? "256" : "384") + "withECDSA", ecdsaPublicKey(),
                        message, signature);
            }
            if (scheme.startsWith("rsa-pkcs1v15-")) return verifyWith("SHA" + bits + "withRSA", pem("RSA"), message, signature);
            return verifyRsaPss("SHA-" + bits, Integer.parseInt(bits) / 8, message, signature);
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            return false;
        }
    }

    /** The JCA public key, for callers that sign and want to check a key pair matches. */
    public PublicKey publicKey() {
        if (!isSupported()) {
            throw new ManifestFormatException("scheme", "unsupported key type and scheme " + keyType + "/" + scheme);
        }
        try {
            if (scheme.equals("ed25519")) return ed25519PublicKey();
            return scheme.startsWith("ecdsa-") ? ecdsaPublicKey() : pem("RSA");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ManifestFormatException("keyval.public", "not a valid " + keyType + " public key", e);
        }
    }

    private static boolean verifyWith(String algorithm, PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }

    private PublicKey ed25519PublicKey() throws GeneralSecurityException {
        byte[] raw = HEX.parseHex(publicValue);
        if (raw.length != 32) throw new IllegalArgumentException("an ed25519 public key has 32 bytes");
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, raw)));
    }

    private PublicKey ecdsaPublicKey() throws GeneralSecurityException {
        if (publicValue.strip().startsWith("-----BEGIN")) return pem("EC");
        if (!scheme.equals("ecdsa-sha2-nistp256")) throw new IllegalArgumentException("only P-256 points may be hex");
        byte[] point = HEX.parseHex(publicValue);
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(concat(P256_SPKI_PREFIX, point)));
    }

    /**
     * RSASSA-PSS with MGF1 over the same digest and any salt length, as the reference implementation verifies
     * ("salt length AUTO"): securesystemslib versions have signed with the digest length and with the maximum.
     * The JDK verifier needs the salt length up front, so the encoding (RFC 8017, 9.1.2) is checked here.
     */
    private boolean verifyRsaPss(String digest, int digestLength, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        RSAPublicKey key = (RSAPublicKey) pem("RSA");
        java.math.BigInteger modulus = key.getModulus();
        java.math.BigInteger s = new java.math.BigInteger(1, signature);
        int modBits = modulus.bitLength();
        if (signature.length != (modBits + 7) / 8 || s.compareTo(modulus) >= 0) return false;
        int emBits = modBits - 1;
        int emLength = (emBits + 7) / 8;
        byte[] em = toFixedLength(s.modPow(key.getPublicExponent(), modulus), emLength);
        if (em == null || emLength < digestLength + 2 || em[emLength - 1] != (byte) 0xbc) return false;
        int dbLength = emLength - digestLength - 1;
        byte[] h = java.util.Arrays.copyOfRange(em, dbLength, dbLength + digestLength);
        int unusedBits = 8 * emLength - emBits;
        if (unusedBits > 0 && (em[0] & (0xff << (8 - unusedBits)) & 0xff) != 0) return false;
        byte[] mask = mgf1(digest, h, dbLength);
        byte[] db = new byte[dbLength];
        for (int i = 0; i < dbLength; i++) db[i] = (byte) (em[i] ^ mask[i]);
        if (unusedBits > 0) db[0] &= (byte) (0xff >>> unusedBits);
        int separator = 0;
        while (separator < dbLength && db[separator] == 0) separator++;
        if (separator == dbLength || db[separator] != 1) return false;
        java.security.MessageDigest md = java.security.MessageDigest.getInstance(digest);
        md.update(new byte[8]);
        md.update(java.security.MessageDigest.getInstance(digest).digest(message));
        md.update(db, separator + 1, dbLength - separator - 1);
        return java.security.MessageDigest.isEqual(md.digest(), h);
    }

    private static byte[] mgf1(String digest, byte[] seed, int length) throws GeneralSecurityException {
        byte[] out = new byte[length];
        int filled = 0;
        for (int counter = 0; filled < length; counter++) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance(digest);
            md.update(seed);
            md.update(new byte[] {(byte) (counter >>> 24), (byte) (counter >>> 16), (byte) (counter >>> 8), (byte) counter});
            byte[] block = md.digest();
            int n = Math.min(block.length, length - filled);
            System.arraycopy(block, 0, out, filled, n);
            filled += n;
        }
        return out;
    }

    /** Big-endian bytes of {@code value} left-padded to {@code length}, or null if it does not fit. */
    private static byte[] toFixedLength(java.math.BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        int size = raw.length - start;
        if (size > length) return null;
        byte[] out = new byte[length];
        System.arraycopy(raw, start, out, length - size, size);
        return out;
    }

    private PublicKey pem(String algorithm) throws GeneralSecurityException {
        String body = publicValue.replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
