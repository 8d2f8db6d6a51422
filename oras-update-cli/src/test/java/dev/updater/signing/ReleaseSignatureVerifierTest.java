package dev.updater.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Digest;
import dev.updater.signing.SignatureVerificationException.Reason;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The acceptance vectors of cosign-vectors/ (test resources): real cosign signatures, checked by our verifier. */
class ReleaseSignatureVerifierTest {
    private static final VerificationKey COSIGN = key("containers-image/cosign.pub");
    private static final VerificationKey COSIGN2 = key("containers-image/cosign2.pub");
    private static final VerificationKey REKOR = key("containers-image/rekor.pub");

    private static VerificationKey key(String vector) {
        return VerificationKey.fromPem(Vectors.bytes(vector), vector);
    }

    private static Digest manifestDigest(String dir) {
        return Digest.of(Vectors.bytes("containers-image/" + dir + "/manifest.json"));
    }

    private static CosignSignature signature(String dir, int n) {
        return ContainersImageSignatureFile.read("containers-image/" + dir + "/signature-" + n);
    }

    private static Reason refusal(Digest release, List<CosignSignature> signatures, KeyPolicy policy) {
        return assertThrows(SignatureVerificationException.class,
                () -> ReleaseSignatureVerifier.verify(release, signatures, policy)).reason();
    }

    @Test
    void validSignatureVerifiesWithCosignPub() {
        Digest release = manifestDigest("dir-img-cosign-valid");
        assertEquals("634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00", release.hex());
        ReleaseSignatureVerifier.Verified verified = ReleaseSignatureVerifier.verify(release,
                List.of(signature("dir-img-cosign-valid", 1)), KeyPolicy.anyOf(List.of(COSIGN)));
        assertEquals(List.of(COSIGN), verified.signers());
        // The same signature does not verify with another key.
        assertEquals(Reason.SIGNATURE_INVALID, refusal(release, List.of(signature("dir-img-cosign-valid", 1)),
                KeyPolicy.anyOf(List.of(COSIGN2))));
    }

    @Test
    void bothSignaturesOfValid2VerifyAndCountAsOneKey() {
        Digest release = manifestDigest("dir-img-cosign-valid-2");
        for (int n = 1; n <= 2; n++) {
            assertTrue(signature("dir-img-cosign-valid-2", n).isSignedBy(COSIGN));
            ReleaseSignatureVerifier.verify(release, List.of(signature("dir-img-cosign-valid-2", n)),
                    KeyPolicy.anyOf(List.of(COSIGN)));
        }
        List<CosignSignature> both = List.of(signature("dir-img-cosign-valid-2", 1),
                signature("dir-img-cosign-valid-2", 2));
        // Two signatures by one key are one signer: a threshold of two distinct keys is not met.
        assertEquals(Reason.THRESHOLD_NOT_MET,
                refusal(release, both, new KeyPolicy(List.of(COSIGN, COSIGN2), 2, Optional.empty())));
        assertThrows(IllegalArgumentException.class,
                () -> new KeyPolicy(List.of(COSIGN, COSIGN), 2, Optional.empty()));
    }

    @Test
    void keyAndRekorSignatureVerifiesWithCosign2PubAndItsSetWithRekorPub() {
        Digest release = manifestDigest("dir-img-cosign-key-rekor-valid");
        List<CosignSignature> signatures = List.of(signature("dir-img-cosign-key-rekor-valid", 1));
        ReleaseSignatureVerifier.verify(release, signatures, KeyPolicy.anyOf(List.of(COSIGN2)));
        ReleaseSignatureVerifier.verify(release, signatures, new KeyPolicy(List.of(COSIGN2), 1, Optional.of(REKOR)));
        // A log key that did not sign the entry, or a signature without an entry, fails the log check.
        assertEquals(Reason.TRANSPARENCY_LOG_INVALID,
                refusal(release, signatures, new KeyPolicy(List.of(COSIGN2), 1, Optional.of(COSIGN))));
        assertEquals(Reason.TRANSPARENCY_LOG_INVALID, refusal(manifestDigest("dir-img-cosign-valid"),
                List.of(signature("dir-img-cosign-valid", 1)), new KeyPolicy(List.of(COSIGN), 1, Optional.of(REKOR))));
        assertEquals(Reason.SIGNATURE_INVALID, refusal(release, signatures, KeyPolicy.anyOf(List.of(COSIGN))));
    }

    @Test
    void tamperedRekorEntryIsRefused() {
        CosignSignature original = signature("dir-img-cosign-key-rekor-valid", 1);
        java.util.Map<String, String> annotations = new java.util.HashMap<>(original.annotations());
        annotations.put(CosignSignature.BUNDLE_ANNOTATION,
                original.rekorBundle().orElseThrow().replace("\"logIndex\":11608800", "\"logIndex\":11608801"));
        CosignSignature tampered = new CosignSignature(original.payload(), annotations);
        assertEquals(Reason.TRANSPARENCY_LOG_INVALID, refusal(manifestDigest("dir-img-cosign-key-rekor-valid"),
                List.of(tampered), new KeyPolicy(List.of(COSIGN2), 1, Optional.of(REKOR))));
    }

    @Test
    void modifiedManifestIsRefusedAlthoughTheSignatureVerifies() {
        CosignSignature sig = signature("dir-img-cosign-modified-manifest", 1);
        assertTrue(sig.isSignedBy(COSIGN));
        assertEquals(Reason.SIGNED_DIGEST_DIFFERS, refusal(manifestDigest("dir-img-cosign-modified-manifest"),
                List.of(sig), KeyPolicy.anyOf(List.of(COSIGN))));
    }

    @Test
    void manifestDigestErrorIsRefused() {
        assertEquals(Reason.SIGNED_DIGEST_DIFFERS, refusal(manifestDigest("dir-img-cosign-manifest-digest-error"),
                List.of(signature("dir-img-cosign-manifest-digest-error", 1)), KeyPolicy.anyOf(List.of(COSIGN))));
    }

    @Test
    void signatureByAnUnknownKeyIsRefused() {
        CosignSignature unknown = ContainersImageSignatureFile.read("containers-image/unknown-cosign-key.signature");
        // Take the digest it claims, so that only the signature itself can fail.
        Digest claimed = SimpleSigningPayload.parse(unknown.payload()).manifestDigest();
        assertEquals(Reason.SIGNATURE_INVALID, refusal(claimed, List.of(unknown), KeyPolicy.anyOf(List.of(COSIGN))));
    }

    @Test
    void noSignaturesIsItsOwnReason() {
        assertEquals(Reason.NO_SIGNATURES, refusal(manifestDigest("dir-img-cosign-valid"), List.of(),
                KeyPolicy.anyOf(List.of(COSIGN))));
    }

    @Test
    void thresholdCountsDistinctKeys() {
        SigningKey first = SigningKey.generate(KeyAlgorithm.ECDSA_P256);
        SigningKey second = SigningKey.generate(KeyAlgorithm.ED25519);
        Digest release = Digest.ofUtf8("release");
        SimpleSigningPayload payload = new SimpleSigningPayload("example.com/acme/app", release);
        KeyPolicy twoOfTwo = new KeyPolicy(List.of(first.publicKey(), second.publicKey()), 2, Optional.empty());
        CosignSignature byFirst = CosignSignature.sign(payload, first);
        assertEquals(Reason.THRESHOLD_NOT_MET, refusal(release, List.of(byFirst, byFirst), twoOfTwo));
        ReleaseSignatureVerifier.Verified verified = ReleaseSignatureVerifier.verify(release,
                List.of(byFirst, CosignSignature.sign(payload, second)), twoOfTwo);
        assertEquals(List.of(first.publicKey(), second.publicKey()), verified.signers());
        // A second signature over another digest by the missing key does not count.
        CosignSignature otherRelease = CosignSignature.sign(
                new SimpleSigningPayload("example.com/acme/app", Digest.ofUtf8("other")), second);
        assertEquals(Reason.THRESHOLD_NOT_MET, refusal(release, List.of(byFirst, otherRelease), twoOfTwo));
    }
}
