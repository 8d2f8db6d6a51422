package dev.updater.schema.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Json;
import dev.updater.schema.ManifestFormatException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeysAndEncodingTest {
    @Test
    void canonicalJsonSortsByCodePointEscapesOnlyQuoteAndBackslashAndHasNoWhitespace() {
        var node = Json.parse("{\"b\": [1, true, null], \"a\": \"x\\\"y\\\\z\\n\u00f6\", \"\u00e9\": {}}"
                .getBytes(StandardCharsets.UTF_8), "test");
        String canonical = new String(TufJson.canonical(node), StandardCharsets.UTF_8);
        assertEquals("{\"a\":\"x\\\"y\\\\z\n\u00f6\",\"b\":[1,true,null],\"\u00e9\":{}}", canonical);
    }

    @Test
    void canonicalJsonRefusesFloats() {
        var node = Json.parse("{\"a\": 1.5}".getBytes(StandardCharsets.UTF_8), "test");
        assertThrows(ManifestFormatException.class, () -> TufJson.canonical(node));
    }

    @Test
    void prettyJsonEscapesLikePythonEnsureAscii() {
        var node = Json.parse("{\"\u00f6\": [\"\\u0001\", \"\ud83d\ude00\"], \"a\": []}"
                .getBytes(StandardCharsets.UTF_8), "test");
        assertEquals("{\n \"a\": [],\n \"\\u00f6\": [\n  \"\\u0001\",\n  \"\\ud83d\\ude00\"\n ]\n}",
                new String(TufJson.pretty(node), StandardCharsets.UTF_8));
    }

    @Test
    void ecdsaKeysStoredAsPemVerifyDerSignatures() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Key key = Key.of("ecdsa", "ecdsa-sha2-nistp256", pem);
        byte[] message = "signed bytes".getBytes(StandardCharsets.UTF_8);
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(message);
        String sig = HexFormat.of().formatHex(signer.sign());
        assertTrue(key.verify(message, sig));
        assertFalse(key.verify("other bytes".getBytes(StandardCharsets.UTF_8), sig));
        assertFalse(Key.of("ecdsa", "ecdsa-sha2-nistp384", pem).verify(message, sig), "unknown scheme never verifies");
    }

    @Test
    void otherSecuresystemslibSchemesVerify() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = ec.generateKeyPair();
        byte[] message = "m".getBytes(StandardCharsets.UTF_8);
        assertTrue(Key.of("ecdsa", "ecdsa-sha2-nistp384", pem(p384)).verify(message, sign("SHA384withECDSA", p384, message)));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        String sig = sign("SHA256withRSA", pair, message);
        assertTrue(Key.of("rsa", "rsa-pkcs1v15-sha256", pem(pair)).verify(message, sig));
        assertFalse(Key.of("rsa", "rsa-pkcs1v15-sha512", pem(pair)).verify(message, sig));
        assertFalse(Key.of("ed25519", "rsa-pkcs1v15-sha256", pem(pair)).verify(message, sig), "keytype must fit scheme");
    }

    private static String pem(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String sign(String algorithm, KeyPair pair, byte[] message) throws Exception {
        java.security.Signature signer = java.security.Signature.getInstance(algorithm);
        signer.initSign(pair.getPrivate());
        signer.update(message);
        return HexFormat.of().formatHex(signer.sign());
    }

    @Test
    void rsaPssAcceptsAnySaltLengthLikeTheReferenceImplementation() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Key key = Key.of("rsa", "rsassa-pss-sha256", pem(pair));
        byte[] message = "m".getBytes(StandardCharsets.UTF_8);
        for (int saltLength : new int[] {0, 20, 32, 256 - 32 - 2}) {
            java.security.Signature signer = java.security.Signature.getInstance("RSASSA-PSS");
            signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, saltLength, 1));
            signer.initSign(pair.getPrivate());
            signer.update(message);
            String sig = HexFormat.of().formatHex(signer.sign());
            assertTrue(key.verify(message, sig), "salt length " + saltLength);
            assertFalse(key.verify("n".getBytes(StandardCharsets.UTF_8), sig), "other message, salt " + saltLength);
            byte[] flipped = HexFormat.of().parseHex(sig);
            flipped[flipped.length / 2] ^= 1;
            assertFalse(key.verify(message, HexFormat.of().formatHex(flipped)));
        }
        assertFalse(key.verify(message, "zz"));
        assertFalse(key.verify(message, ""));
        // a PKCS#1 v1.5 signature is not a PSS signature
        assertFalse(key.verify(message, sign("SHA256withRSA", pair, message)));
    }

    @Test
    void delegationPathPatternsMatchSegmentBySegment() {
        assertTrue(DelegatedRole.matchesPattern("file3.txt", "file3.txt"));
        assertTrue(DelegatedRole.matchesPattern("a/b.txt", "a/*.txt"));
        assertFalse(DelegatedRole.matchesPattern("a/b/c.txt", "a/*.txt"), "'*' does not cross '/'");
        assertTrue(DelegatedRole.matchesPattern("file1.txt", "file?.txt"));
        assertTrue(DelegatedRole.matchesPattern("file1.txt", "file[0-9].txt"));
        assertFalse(DelegatedRole.matchesPattern("filea.txt", "file[!a-z].txt"));
        assertFalse(DelegatedRole.matchesPattern("file.txt", "*.tar"));
        assertTrue(DelegatedRole.matchesPattern("x.(y)+", "*.(y)+"), "regex characters are literal");
    }

    @Test
    void succinctHashBinsAreTheLeadingBitsOfThePathHash() {
        Role role = new Role(java.util.List.of("k"), 1);
        assertEquals("bin-0", new SuccinctRoles(role, 1, "bin").roleFor("boo"));
        assertEquals("bin-1", new SuccinctRoles(role, 1, "bin").roleFor("too"));
        assertEquals("bin-0", new SuccinctRoles(role, 2, "bin").roleFor("foo"));
        assertEquals("bin-1", new SuccinctRoles(role, 2, "bin").roleFor("doo"));
        assertEquals("bin-2", new SuccinctRoles(role, 2, "bin").roleFor("too"));
        assertEquals("bin-3", new SuccinctRoles(role, 2, "bin").roleFor("bar"));
        SuccinctRoles bins256 = new SuccinctRoles(role, 8, "bin");
        assertEquals("bin-fc", bins256.roleFor("bar"));
        assertTrue(bins256.isDelegatedRole("bin-00") && bins256.isDelegatedRole("bin-ff"));
        assertFalse(bins256.isDelegatedRole("bin-100") || bins256.isDelegatedRole("bin-0") || bins256.isDelegatedRole("x-00"));
    }

    @Test
    void pathHashPrefixesMatchTheSha256OfThePath() {
        String hash = dev.updater.schema.Digest.ofUtf8("targets/file").hex();
        DelegatedRole role = new DelegatedRole("bin", new Role(java.util.List.of("k"), 1), false,
                java.util.Optional.empty(), java.util.Optional.of(java.util.List.of(hash.substring(0, 2))));
        assertTrue(role.isDelegatedPath("targets/file"));
        assertThrows(IllegalArgumentException.class, () -> new DelegatedRole("both", new Role(java.util.List.of("k"), 1),
                false, java.util.Optional.of(java.util.List.of("*")), java.util.Optional.of(java.util.List.of("ab"))));
    }
}
