package dev.updater.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CosignKeyFilesTest {
    private static final byte[] MESSAGE = "release digest payload".getBytes(StandardCharsets.UTF_8);

    @Test
    void sigstorePemKeyFromCosignLoadsWithItsPassword() {
        SigningKey key = CosignKeyFiles.readPrivateKey(Vectors.bytes("cosign/keys_test.pemsigstorekey.key"),
                "pemsigstorekey", () -> Vectors.PASSWORD.clone());
        assertEquals(KeyAlgorithm.ECDSA_P256, key.algorithm());
        assertTrue(key.publicKey().verifies(MESSAGE, key.sign(MESSAGE)));
    }

    @Test
    void legacyCosignPemKeyLoadsWithItsPassword() {
        SigningKey key = CosignKeyFiles.readPrivateKey(Vectors.bytes("cosign/keys_test.pemcosignkey.key"),
                "pemcosignkey", () -> Vectors.PASSWORD.clone());
        assertEquals(KeyAlgorithm.ECDSA_P256, key.algorithm());
        assertTrue(key.publicKey().verifies(MESSAGE, key.sign(MESSAGE)));
    }

    @Test
    void wrongPasswordIsRefusedAsSuch() {
        KeyFileException e = assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                Vectors.bytes("cosign/keys_test.pemsigstorekey.key"), "k", () -> "hellO".toCharArray()));
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
    }

    @Test
    void sec1KeyInsideCosignEncryptionIsRefusedNamingSec1() {
        KeyFileException e = assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                Vectors.bytes("cosign/keys_test.pemcosigneckey.key"), "eckey", () -> Vectors.PASSWORD.clone()));
        assertTrue(e.getMessage().contains("SEC1"), e.getMessage());
        assertTrue(e.getMessage().startsWith("eckey: "), e.getMessage());
    }

    @Test
    void unencryptedPkcs8Ed25519KeyLoadsWithoutAskingForAPassword() {
        SigningKey key = CosignKeyFiles.readPrivateKey(Vectors.bytes("cosign/keys_test.ed25519key.pem"), "ed",
                () -> {
                    throw new AssertionError("an unencrypted key must not ask for a password");
                });
        assertEquals(KeyAlgorithm.ED25519, key.algorithm());
        assertTrue(key.publicKey().verifies(MESSAGE, key.sign(MESSAGE)));
    }

    @Test
    void cosignPublicKeyLoads() {
        VerificationKey key = VerificationKey.fromPem(Vectors.bytes("cosign/cosign-test.pub"), "cosign-test.pub");
        assertEquals(KeyAlgorithm.ECDSA_P256, key.algorithm());
    }

    @Test
    void cosignTestKeyParsesAsTheDocumentedFormat() {
        // Its password is a CI secret: only the structure can be checked (README of the vectors).
        Pem pem = Pem.parse(Vectors.bytes("cosign/cosign-test.key"), "cosign-test.key");
        assertEquals(CosignKeyFiles.LEGACY_COSIGN_PRIVATE_KEY, pem.label());
        JsonReader doc = JsonReader.root(Json.parse(pem.der(), "key"));
        assertEquals("scrypt", doc.object("kdf").string("name"));
        assertEquals("nacl/secretbox", doc.object("cipher").string("name"));
        assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                Vectors.bytes("cosign/cosign-test.key"), "cosign-test.key", () -> Vectors.PASSWORD.clone()));
    }

    @Test
    void rsaAndOtherCurveKeysAreRefusedNamingWhatWasFound() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        byte[] rsaPkcs8 = rsa.generateKeyPair().getPrivate().getEncoded();
        KeyFileException e = assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                Pem.encode("PRIVATE KEY", rsaPkcs8), "rsa.pem", () -> Vectors.PASSWORD.clone()));
        assertTrue(e.getMessage().contains("RSA"), e.getMessage());

        java.security.KeyPairGenerator p384 = java.security.KeyPairGenerator.getInstance("EC");
        p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        java.security.KeyPair pair = p384.generateKeyPair();
        KeyFileException curve = assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()), "p384.pem", () -> null));
        assertTrue(curve.getMessage().contains("secp384r1"), curve.getMessage());
        KeyFileException publicCurve = assertThrows(KeyFileException.class, () -> VerificationKey.fromPem(
                Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()), "p384.pub"));
        assertTrue(publicCurve.getMessage().contains("secp384r1"), publicCurve.getMessage());

        KeyFileException pub = assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                Vectors.bytes("containers-image/cosign.pub"), "cosign.pub", () -> null));
        assertTrue(pub.getMessage().contains("public key"), pub.getMessage());
        KeyFileException notPem = assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                "hello".getBytes(StandardCharsets.UTF_8), "x", () -> null));
        assertTrue(notPem.getMessage().contains("not a PEM"), notPem.getMessage());
    }

    @Test
    void encryptedKeyRoundTripsInCosignsJsonLayout() {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            SigningKey key = SigningKey.generate(algorithm);
            byte[] file = CosignKeyFiles.encryptedPrivateKeyPem(key, "s3cret".toCharArray());
            Pem pem = Pem.parse(file, "new.key");
            assertEquals(CosignKeyFiles.SIGSTORE_PRIVATE_KEY, pem.label());
            // Same field order and parameters as cosign's files, so cosign reads ours.
            String json = new String(pem.der(), StandardCharsets.UTF_8);
            assertTrue(json.startsWith("{\"kdf\":{\"name\":\"scrypt\",\"params\":{\"N\":32768,\"r\":8,\"p\":1},"
                    + "\"salt\":\""), json);
            assertTrue(json.contains("\"cipher\":{\"name\":\"nacl/secretbox\",\"nonce\":\""), json);
            byte[] salt = Base64.getDecoder().decode(
                    JsonReader.root(Json.parse(pem.der(), "k")).object("kdf").string("salt"));
            assertEquals(32, salt.length);

            SigningKey loaded = CosignKeyFiles.readPrivateKey(file, "new.key", () -> "s3cret".toCharArray());
            assertEquals(key, loaded);
            assertEquals(key.publicKey(), loaded.publicKey());
            assertArrayEquals(key.publicKey().toPem(), loaded.publicKey().toPem());
            assertThrows(KeyFileException.class,
                    () -> CosignKeyFiles.readPrivateKey(file, "new.key", () -> "s3creT".toCharArray()));
        }
    }

    @Test
    void tamperedCiphertextIsRefusedBeforeDecrypting() {
        SigningKey key = SigningKey.generate(KeyAlgorithm.ED25519);
        byte[] file = CosignKeyFiles.encryptedPrivateKeyPem(key, "pw".toCharArray());
        String json = new String(Pem.parse(file, "k").der(), StandardCharsets.UTF_8);
        String ciphertext = JsonReader.root(Json.parse(json.getBytes(StandardCharsets.UTF_8), "k"))
                .string("ciphertext");
        byte[] sealed = Base64.getDecoder().decode(ciphertext);
        sealed[sealed.length - 1] ^= 1;
        String tampered = json.replace(ciphertext, Base64.getEncoder().encodeToString(sealed));
        KeyFileException e = assertThrows(KeyFileException.class, () -> CosignKeyFiles.readPrivateKey(
                Pem.encode(CosignKeyFiles.SIGSTORE_PRIVATE_KEY, tampered.getBytes(StandardCharsets.UTF_8)), "k",
                () -> "pw".toCharArray()));
        assertTrue(e.getMessage().contains("does not decrypt"), e.getMessage());
    }

    @Test
    void ed25519SignaturesAreEd25519phAndPureOnesStillVerify() throws Exception {
        SigningKey key = CosignKeyFiles.readPrivateKey(Vectors.bytes("cosign/keys_test.ed25519key.pem"), "ed",
                () -> null);
        byte[] signature = key.sign(MESSAGE);
        // Pure Ed25519 (JCA) must NOT accept it: proves we sign pre-hashed, as cosign does.
        java.security.Signature pure = java.security.Signature.getInstance("Ed25519");
        pure.initVerify(key.publicKey().jcaPublicKey("Ed25519"));
        pure.update(MESSAGE);
        assertFalse(pure.verify(signature));
        assertTrue(key.publicKey().verifies(MESSAGE, signature));

        // A pure Ed25519 signature (older cosign) by the same key verifies too; over other bytes it does not.
        java.security.Signature pureSigner = java.security.Signature.getInstance("Ed25519");
        pureSigner.initSign(java.security.KeyFactory.getInstance("Ed25519").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(key.pkcs8())));
        pureSigner.update(MESSAGE);
        byte[] pureSignature = pureSigner.sign();
        assertTrue(key.publicKey().verifies(MESSAGE, pureSignature));
        assertFalse(key.publicKey().verifies("other".getBytes(StandardCharsets.UTF_8), pureSignature));
        assertFalse(key.publicKey().verifies("other".getBytes(StandardCharsets.UTF_8), signature));
    }

    @Test
    void ed25519phMatchesTheRfc8032TestVector() {
        // RFC 8032 section 7.3 (Ed25519ph, message "abc"): deterministic, so equal bytes prove we make exactly the
        // scheme Go's crypto/ed25519 makes with Options{Hash: SHA512}, which is what cosign signs with.
        byte[] seed = java.util.HexFormat.of().parseHex(
                "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42");
        byte[] pkcs8 = new byte[16 + 32];
        System.arraycopy(java.util.HexFormat.of().parseHex("302e020100300506032b657004220420"), 0, pkcs8, 0, 16);
        System.arraycopy(seed, 0, pkcs8, 16, 32);
        SigningKey key = SigningKey.fromPkcs8(pkcs8, "rfc8032");
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        assertEquals("98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5"
                + "aaa10b8c61e636062aaad11c2a26083406", java.util.HexFormat.of().formatHex(key.sign(abc)));
        byte[] publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                key.publicKey().subjectPublicKeyInfo()).getPublicKeyData().getOctets();
        assertEquals("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
                java.util.HexFormat.of().formatHex(publicKey));
    }
}
