package dev.updater.signing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The password encryption inside cosign key files (go-securesystemslib "encrypted"): the key is scrypt(password,
 * salt), the cipher NaCl secretbox (XSalsa20 + Poly1305, the 16-byte tag before the ciphertext), all in a small
 * JSON document. Decryption checks the tag before decrypting anything.
 */
final class SecretBoxEncryption {
    static final int SCRYPT_N = 32768;
    static final int SCRYPT_R = 8;
    static final int SCRYPT_P = 1;
    private static final int KEY_LENGTH = 32;
    private static final int SALT_LENGTH = 32;
    private static final int NONCE_LENGTH = 24;
    private static final int TAG_LENGTH = 16;
    /** scrypt needs 128·N·r bytes: refusing more keeps a hostile key file from exhausting memory. */
    private static final long MAX_SCRYPT_MEMORY = 256L * 1024 * 1024;

    private SecretBoxEncryption() {}

    static byte[] encrypt(byte[] plaintext, byte[] password) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[SALT_LENGTH];
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] key = SCrypt.generate(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LENGTH);
        byte[] sealed = seal(plaintext, nonce, key);
        Arrays.fill(key, (byte) 0);

        Base64.Encoder b64 = Base64.getEncoder();
        ObjectNode doc = Json.object();
        ObjectNode kdf = doc.putObject("kdf");
        kdf.put("name", "scrypt");
        ObjectNode params = kdf.putObject("params");
        params.put("N", SCRYPT_N);
        params.put("r", SCRYPT_R);
        params.put("p", SCRYPT_P);
        kdf.put("salt", b64.encodeToString(salt));
        ObjectNode cipher = doc.putObject("cipher");
        cipher.put("name", "nacl/secretbox");
        cipher.put("nonce", b64.encodeToString(nonce));
        doc.put("ciphertext", b64.encodeToString(sealed));
        return Json.write(doc);
    }

    static byte[] decrypt(byte[] document, byte[] password, String source) {
        JsonReader doc;
        byte[] salt;
        byte[] nonce;
        byte[] sealed;
        int n;
        int r;
        int p;
        try {
            doc = JsonReader.root(Json.parse(document, "encrypted key"));
            JsonReader kdf = doc.object("kdf");
            JsonReader cipher = doc.object("cipher");
            if (!kdf.string("name").equals("scrypt") || !cipher.string("name").equals("nacl/secretbox")) {
                throw new KeyFileException(source, "unsupported key encryption " + kdf.string("name") + " + "
                        + cipher.string("name") + " (cosign keys use scrypt + nacl/secretbox)");
            }
            JsonReader params = kdf.object("params");
            n = params.intValue("N");
            r = params.intValue("r");
            p = params.intValue("p");
            salt = base64(kdf.string("salt"), "kdf.salt", source);
            nonce = base64(cipher.string("nonce"), "cipher.nonce", source);
            sealed = base64(doc.string("ciphertext"), "ciphertext", source);
        } catch (ManifestFormatException e) {
            throw new KeyFileException(source, "the encrypted key document is malformed: " + e.getMessage(), e);
        }
        if (n < 2 || Integer.bitCount(n) != 1 || r < 1 || p < 1 || p > 16 || 128L * n * r > MAX_SCRYPT_MEMORY) {
            throw new KeyFileException(source, "refusing scrypt parameters N=" + n + " r=" + r + " p=" + p
                    + " (N must be a power of two and 128*N*r at most 256 MiB)");
        }
        if (nonce.length != NONCE_LENGTH || sealed.length < TAG_LENGTH) {
            throw new KeyFileException(source, "the encrypted key is truncated (nonce or ciphertext too short)");
        }
        byte[] key = SCrypt.generate(password, salt, n, r, p, KEY_LENGTH);
        try {
            return open(sealed, nonce, key, source);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] seal(byte[] plaintext, byte[] nonce, byte[] key) {
        XSalsa20Engine stream = keyStream(nonce, key);
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        byte[] out = new byte[TAG_LENGTH + plaintext.length];
        stream.processBytes(plaintext, 0, plaintext.length, out, TAG_LENGTH);
        byte[] tag = poly1305(macKey, out, TAG_LENGTH, plaintext.length);
        System.arraycopy(tag, 0, out, 0, TAG_LENGTH);
        return out;
    }

    private static byte[] open(byte[] sealed, byte[] nonce, byte[] key, String source) {
        XSalsa20Engine stream = keyStream(nonce, key);
        byte[] macKey = new byte[32];
        stream.processBytes(new byte[32], 0, 32, macKey, 0);
        int length = sealed.length - TAG_LENGTH;
        byte[] expectedTag = poly1305(macKey, sealed, TAG_LENGTH, length);
        if (!MessageDigest.isEqual(expectedTag, Arrays.copyOf(sealed, TAG_LENGTH))) {
            throw new KeyFileException(source, "wrong password (or the key file is corrupted): the key does not"
                    + " decrypt");
        }
        byte[] plaintext = new byte[length];
        stream.processBytes(sealed, TAG_LENGTH, length, plaintext, 0);
        return plaintext;
    }

    private static XSalsa20Engine keyStream(byte[] nonce, byte[] key) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    private static byte[] poly1305(byte[] macKey, byte[] data, int offset, int length) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(data, offset, length);
        byte[] tag = new byte[TAG_LENGTH];
        mac.doFinal(tag, 0);
        return tag;
    }

    private static byte[] base64(String text, String field, String source) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(source, "field '" + field + "' of the encrypted key is not base64", e);
        }
    }
}
