package dev.updater.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.signing.SignatureVerificationException.Reason;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Key-signed DSSE bundles (cosign v3's default form), checked first against the DSSE of a real cosign bundle. */
class DsseBundleKeyVerifierTest {
    private static final byte[] REAL_BUNDLE = Vectors.bytes("cosign/oci-attestation.sigstore.json");
    private static final Digest REAL_SUBJECT =
            Digest.parse("sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");

    /** The key of the Fulcio certificate in the real bundle: the key that made its DSSE signature. */
    private static VerificationKey realSigningKey() throws Exception {
        String raw = JsonReader.root(Json.parse(REAL_BUNDLE, "bundle")).object("verificationMaterial")
                .object("certificate").string("rawBytes");
        byte[] spki = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(raw))).getPublicKey()
                .getEncoded();
        return VerificationKey.fromSubjectPublicKeyInfo(spki, "bundle certificate");
    }

    @Test
    void dsseSignatureOfARealCosignBundleVerifiesThroughOurPreAuthenticationEncoding() throws Exception {
        VerificationKey key = realSigningKey();
        assertEquals(Set.of(key), DsseBundleKeyVerifier.signers(REAL_BUNDLE, REAL_SUBJECT, List.of(key)));
        assertEquals(Set.of(), DsseBundleKeyVerifier.signers(REAL_BUNDLE, Digest.ofUtf8("other"), List.of(key)));
        VerificationKey stranger = SigningKey.generate(KeyAlgorithm.ECDSA_P256).publicKey();
        assertEquals(Set.of(), DsseBundleKeyVerifier.signers(REAL_BUNDLE, REAL_SUBJECT, List.of(stranger)));
        ObjectNode tampered = (ObjectNode) Json.parse(REAL_BUNDLE, "bundle");
        ObjectNode envelope = (ObjectNode) tampered.get("dsseEnvelope");
        String statement = new String(Base64.getDecoder().decode(envelope.get("payload").asText()),
                StandardCharsets.UTF_8);
        assertTrue(statement.contains("bar"), statement);
        envelope.put("payload", Base64.getEncoder().encodeToString(
                statement.replace("bar", "baz").getBytes(StandardCharsets.UTF_8)));
        assertEquals(Set.of(), DsseBundleKeyVerifier.signers(Json.write(tampered), REAL_SUBJECT, List.of(key)));
    }

    /** A bundle shaped like cosign v3's key-based one: DSSE in-toto statement, public-key hint. */
    static byte[] keyBundle(SigningKey key, Digest subject) {
        ObjectNode statement = Json.object();
        statement.put("_type", "https://in-toto.io/Statement/v1");
        ObjectNode s = statement.putArray("subject").addObject();
        s.put("name", "example.com/acme/app");
        s.putObject("digest").put("sha256", subject.hex());
        statement.put("predicateType", "https://sigstore.dev/cosign/sign/v1");
        statement.putObject("predicate");
        byte[] payload = Json.write(statement);
        byte[] signature = key.sign(DsseBundleKeyVerifier.preAuthenticationEncoding(
                DsseBundleKeyVerifier.IN_TOTO_PAYLOAD_TYPE, payload));
        ObjectNode bundle = Json.object();
        bundle.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
        bundle.putObject("verificationMaterial").putObject("publicKey").put("hint", key.publicKey().fingerprint().hex());
        ObjectNode envelope = bundle.putObject("dsseEnvelope");
        envelope.put("payload", Base64.getEncoder().encodeToString(payload));
        envelope.put("payloadType", DsseBundleKeyVerifier.IN_TOTO_PAYLOAD_TYPE);
        envelope.putArray("signatures").addObject().put("sig", Base64.getEncoder().encodeToString(signature));
        return Json.write(bundle);
    }

    @Test
    void keyBundlesCountTowardsTheThresholdWithClassicSignatures() {
        SigningKey alice = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        SigningKey bob = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        Digest release = Digest.ofUtf8("release");
        KeyPolicy both = new KeyPolicy(List.of(alice.publicKey(), bob.publicKey()), 2, Optional.empty());
        CosignSignature classicByBob = CosignSignature.sign(new SimpleSigningPayload("example.com/acme/app", release),
                bob);
        ReleaseSignatureVerifier.verify(release, List.of(classicByBob), List.of(keyBundle(alice, release)), both);

        SignatureVerificationException onlyOne = org.junit.jupiter.api.Assertions.assertThrows(
                SignatureVerificationException.class, () -> ReleaseSignatureVerifier.verify(release, List.of(),
                        List.of(keyBundle(alice, release)), both));
        assertEquals(Reason.THRESHOLD_NOT_MET, onlyOne.reason());
        SignatureVerificationException otherRelease = org.junit.jupiter.api.Assertions.assertThrows(
                SignatureVerificationException.class, () -> ReleaseSignatureVerifier.verify(release, List.of(),
                        List.of(keyBundle(alice, Digest.ofUtf8("other"))), KeyPolicy.anyOf(List.of(alice.publicKey()))));
        assertEquals(Reason.SIGNATURE_INVALID, otherRelease.reason());
        // With a Rekor key required, bundles (whose log entries we do not check) do not count.
        SignatureVerificationException rekor = org.junit.jupiter.api.Assertions.assertThrows(
                SignatureVerificationException.class, () -> ReleaseSignatureVerifier.verify(release, List.of(),
                        List.of(keyBundle(alice, release)), new KeyPolicy(List.of(alice.publicKey()), 1,
                                Optional.of(bob.publicKey()))));
        assertEquals(Reason.SIGNATURE_INVALID, rekor.reason());
    }
}
