package dev.updater.signing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and writes key files in cosign's formats.
 *
 * <p>Private keys: PEM {@code ENCRYPTED SIGSTORE PRIVATE KEY} (what cosign writes today) or the legacy
 * {@code ENCRYPTED COSIGN PRIVATE KEY}, both a JSON document encrypting a PKCS#8 key (see {@link
 * SecretBoxEncryption}); or an unencrypted PEM {@code PRIVATE KEY} (PKCS#8), the input of {@code cosign
 * import-key-pair}. Public keys: PEM {@code PUBLIC KEY}. Every other kind of file is refused with what it is.
 */
public final class CosignKeyFiles {
    public static final String SIGSTORE_PRIVATE_KEY = "ENCRYPTED SIGSTORE PRIVATE KEY";
    public static final String LEGACY_COSIGN_PRIVATE_KEY = "ENCRYPTED COSIGN PRIVATE KEY";
    static final String PKCS8_PRIVATE_KEY = "PRIVATE KEY";
    /** Far above any key file (an encrypted cosign key is about 650 bytes, an RSA-4096 public key 800). */
    static final int MAX_KEY_FILE_BYTES = 64 * 1024;

    private CosignKeyFiles() {}

    /** Asked only when a key file is encrypted; returns the password, which the caller may wipe afterwards. */
    @FunctionalInterface
    public interface PasswordSupplier {
        char[] password();
    }

    public static SigningKey readPrivateKey(Path file, PasswordSupplier password) {
        return readPrivateKey(readFile(file), file.toString(), password);
    }

    public static SigningKey readPrivateKey(byte[] fileBytes, String source, PasswordSupplier password) {
        Pem pem = Pem.parse(fileBytes, source);
        switch (pem.label()) {
            case SIGSTORE_PRIVATE_KEY, LEGACY_COSIGN_PRIVATE_KEY -> {
                char[] chars = password.password();
                byte[] passwordBytes = utf8(chars);
                Arrays.fill(chars, '\0');
                byte[] pkcs8 = SecretBoxEncryption.decrypt(pem.der(), passwordBytes, source);
                Arrays.fill(passwordBytes, (byte) 0);
                try {
                    return SigningKey.fromPkcs8(pkcs8, source);
                } finally {
                    Arrays.fill(pkcs8, (byte) 0);
                }
            }
            case PKCS8_PRIVATE_KEY -> {
                return SigningKey.fromPkcs8(pem.der(), source);
            }
            case "EC PRIVATE KEY" -> throw new KeyFileException(source, "found a SEC1 'EC PRIVATE KEY'; cosign and"
                    + " update need PKCS#8: convert it with 'openssl pkcs8 -topk8 -nocrypt -in KEY'");
            case "RSA PRIVATE KEY" -> throw new KeyFileException(source, "found an RSA private key; only Ed25519"
                    + " and ECDSA P-256 keys are supported (create one with 'update keygen')");
            case "ENCRYPTED PRIVATE KEY" -> throw new KeyFileException(source, "found a PKCS#8 key encrypted by"
                    + " OpenSSL; decrypt it ('openssl pkcs8 -in KEY') or import it with 'cosign import-key-pair'");
            case "PUBLIC KEY" -> throw new KeyFileException(source, "found a public key where a private key is"
                    + " needed (pass NAME.key, not NAME.pub)");
            default -> throw new KeyFileException(source, "found a PEM '" + pem.label() + "' block, which is not a"
                    + " supported private key (expected '" + SIGSTORE_PRIVATE_KEY + "', '" + LEGACY_COSIGN_PRIVATE_KEY
                    + "' or PKCS#8 'PRIVATE KEY')");
        }
    }

    public static VerificationKey readPublicKey(Path file) {
        return VerificationKey.fromPem(readFile(file), file.toString());
    }

    /** The private key encrypted with {@code password}, as cosign writes it ({@code ENCRYPTED SIGSTORE PRIVATE KEY}). */
    public static byte[] encryptedPrivateKeyPem(SigningKey key, char[] password) {
        byte[] passwordBytes = utf8(password);
        byte[] pkcs8 = key.pkcs8();
        try {
            return Pem.encode(SIGSTORE_PRIVATE_KEY, SecretBoxEncryption.encrypt(pkcs8, passwordBytes));
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }

    /**
     * Reads a whole key file of at most {@link #MAX_KEY_FILE_BYTES}: a key is a few hundred bytes, so anything
     * larger (a mistyped path to an image, /dev/zero) is refused without reading it into memory.
     */
    static byte[] readFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new KeyFileException(file.toString(), "is a directory, not a key file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file.toString(), "no such key file");
        } catch (IOException e) {
            throw new KeyFileException(file.toString(), "cannot read the key file: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_KEY_FILE_BYTES) {
            throw new KeyFileException(file.toString(), "is larger than " + MAX_KEY_FILE_BYTES / 1024 + " KiB, too"
                    + " large for a key file (a PEM key is a few hundred bytes): check the path");
        }
        if (bytes.length == 0) {
            throw new KeyFileException(file.toString(), "the key file is empty");
        }
        return bytes;
    }
}
