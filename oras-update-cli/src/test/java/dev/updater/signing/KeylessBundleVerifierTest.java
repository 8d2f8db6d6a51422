package dev.updater.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.updater.schema.Digest;
import dev.updater.signing.SignatureVerificationException.Reason;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** cosign's keyless bundle vector, verified offline against its trusted root. */
class KeylessBundleVerifierTest {
    private static final Path TRUSTED_ROOT = Vectors.file("cosign/trusted_root_pgi.json");
    private static final byte[] BUNDLE = Vectors.bytes("cosign/oci-attestation.sigstore.json");
    /** The in-toto subject of the bundle: the image manifest cosign attested. */
    private static final Digest SUBJECT =
            Digest.parse("sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");
    private static final KeylessBundleVerifier.Identity SIGNER =
            new KeylessBundleVerifier.Identity("cody@soyland.com", "https://github.com/login/oauth");

    @Test
    void cosignKeylessBundleVerifiesOfflineForItsIdentity() {
        KeylessBundleVerifier.create(TRUSTED_ROOT, SIGNER).verify(SUBJECT, BUNDLE);
        KeylessBundleVerifier.create(TRUSTED_ROOT, SIGNER).verifyAny(SUBJECT, List.of("{}".getBytes(), BUNDLE));
    }

    @Test
    void wrongIdentityOrIssuerIsRefused() {
        for (KeylessBundleVerifier.Identity wrong : List.of(
                new KeylessBundleVerifier.Identity("someone@example.com", "https://github.com/login/oauth"),
                new KeylessBundleVerifier.Identity("cody@soyland.com", "https://accounts.google.com"))) {
            SignatureVerificationException e = assertThrows(SignatureVerificationException.class,
                    () -> KeylessBundleVerifier.create(TRUSTED_ROOT, wrong).verify(SUBJECT, BUNDLE));
            assertEquals(Reason.SIGNATURE_INVALID, e.reason());
        }
    }

    @Test
    void bundleOverAnotherDigestIsRefused() {
        SignatureVerificationException e = assertThrows(SignatureVerificationException.class,
                () -> KeylessBundleVerifier.create(TRUSTED_ROOT, SIGNER).verify(Digest.ofUtf8("other"), BUNDLE));
        assertEquals(Reason.SIGNATURE_INVALID, e.reason());
        assertEquals(Reason.NO_SIGNATURES, assertThrows(SignatureVerificationException.class,
                () -> KeylessBundleVerifier.create(TRUSTED_ROOT, SIGNER).verifyAny(SUBJECT, List.of())).reason());
    }

    @Test
    void missingOrForeignTrustedRootIsAUsageError() {
        KeyFileException e = assertThrows(KeyFileException.class,
                () -> KeylessBundleVerifier.create(Path.of("/nonexistent/trusted_root.json"), SIGNER));
        assertTrue(e.getMessage().contains("no such trusted root"), e.getMessage());
        assertThrows(KeyFileException.class,
                () -> KeylessBundleVerifier.create(Vectors.file("containers-image/cosign.pub"), SIGNER));
    }
}
