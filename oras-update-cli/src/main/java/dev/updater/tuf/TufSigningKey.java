package dev.updater.tuf;

import dev.updater.registry.io.Durable;
import dev.updater.schema.tuf.Key;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A private key that signs TUF metadata, with the public {@link Key} it is listed as. Key files are unencrypted PEM
 * PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the format of python-tuf's test keystore; Ed25519 ({@code ed25519})
 * and RSA ({@code rsassa-pss-sha256}) are read, Ed25519 is generated.
 */
public record TufSigningKey(PrivateKey privateKey, Key publicKey) {
    /** NIST SP 800-57: RSA below 2048 bits no longer protects anything; securesystemslib's own default is 3072. */
    static final int MIN_RSA_BITS = 2048;
    /** Far above any PEM private key (RSA-4096 PKCS#8 is about 3.3 KB). */
    static final int MAX_KEY_FILE_BYTES = 64 * 1024;
    private static final byte[] ED25519_PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    public String keyId() {
        return publicKey.computeKeyId();
    }

    public static TufSigningKey generateEd25519() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return ed25519FromSeed(seed);
    }

    /** Signs the canonical bytes of {@code signed}, returning the hex signature. */
    public String sign(byte[] payload) {
        try {
            Signature signer;
            if (publicKey.scheme().equals("ed25519")) {
                signer = Signature.getInstance("Ed25519");
            } else {
                signer = Signature.getInstance("RSASSA-PSS");
                signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(privateKey);
            signer.update(payload);
            return HexFormat.of().formatHex(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + publicKey.keyType() + " failed", e);
        }
    }

    public static TufSigningKey read(Path file) {
        String text = readKeyFile(file);
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new TufKeyFileException(file, "is not an unencrypted PEM PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(text.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                    text.indexOf("-----END PRIVATE KEY-----")));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new TufKeyFileException(file, "has a damaged PEM body");
        }
        if (der.length == 48 && Arrays.equals(Arrays.copyOf(der, 16), ED25519_PKCS8_PREFIX)) {
            return ed25519FromSeed(Arrays.copyOfRange(der, 16, 48));
        }
        try {
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
            if (crt.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new TufKeyFileException(file, "is an RSA key of " + crt.getModulus().bitLength() + " bits, too"
                        + " small to sign trust metadata (at least " + MIN_RSA_BITS + " bits)");
            }
            var publicKey = KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(publicKey.getEncoded()) + "\n-----END PUBLIC KEY-----";
            return new TufSigningKey(key, Key.of("rsa", "rsassa-pss-sha256", pem));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new TufKeyFileException(file, "is neither an Ed25519 nor an RSA private key");
        }
    }

    /** A key file's text; directories, empty files and files too large to be a key are refused before reading. */
    private static String readKeyFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new TufKeyFileException(file, "is a directory");
        }
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new TufKeyFileException(file, "cannot be read: " + e.getMessage());
        }
        if (bytes.length > MAX_KEY_FILE_BYTES) {
            throw new TufKeyFileException(file, "is larger than " + MAX_KEY_FILE_BYTES / 1024 + " KiB, too large to be"
                    + " a key file (check the path)");
        }
        if (bytes.length == 0) {
            throw new TufKeyFileException(file, "is empty");
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Writes the private key as PEM PKCS#8, readable by the owner only. */
    public void write(Path file) {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(privateKey.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Durable.write(file, pem.getBytes(StandardCharsets.US_ASCII), Durable.OWNER_ONLY);
    }

    /**
     * The JDK has no "public key of this Ed25519 private key" call; its key pair generator derives the public key
     * from 32 random bytes, so feeding it the seed gives back exactly that pair.
     */
    private static TufSigningKey ed25519FromSeed(byte[] seed) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(255, new FixedSeed(seed));
            var pair = generator.generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            String raw = HexFormat.of().formatHex(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
            return new TufSigningKey(pair.getPrivate(), Key.of("ed25519", "ed25519", raw));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has Ed25519", e);
        }
    }

    private static final class FixedSeed extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) throw new IllegalStateException("unexpected request for randomness");
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
