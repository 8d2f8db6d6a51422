package dev.updater.signing;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.bundle.BundleParseException;
import dev.sigstore.strings.StringMatcher;
import dev.updater.schema.Digest;
import dev.updater.signing.SignatureVerificationException.Reason;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies cosign keyless signatures (Sigstore bundles: a Fulcio certificate, a Rekor entry, a message signature or a
 * DSSE in-toto statement) offline, with Sigstore Java and a trusted_root.json the user supplies. The certificate must
 * name the expected identity (subject alternative name) and OIDC issuer exactly; the bundle must be over the
 * release digest. No network: the trusted root comes from the file, never from TUF.
 */
public final class KeylessBundleVerifier {
    /** Who must have signed: the certificate's subject alternative name and its OIDC issuer, exact matches. */
    public record Identity(String subjectAlternativeName, String oidcIssuer) {
        public Identity {
            if (subjectAlternativeName == null || subjectAlternativeName.isBlank() || oidcIssuer == null
                    || oidcIssuer.isBlank()) {
                throw new IllegalArgumentException("keyless verification needs a certificate identity and an OIDC"
                        + " issuer");
            }
        }

        @Override
        public String toString() {
            return subjectAlternativeName + " (issuer " + oidcIssuer + ")";
        }
    }

    private final KeylessVerifier verifier;
    private final Identity identity;

    private KeylessBundleVerifier(KeylessVerifier verifier, Identity identity) {
        this.verifier = verifier;
        this.identity = identity;
    }

    /** A verifier trusting only the Fulcio CAs, Rekor logs and CT logs of {@code trustedRoot}. */
    public static KeylessBundleVerifier create(Path trustedRoot, Identity identity) {
        if (!Files.isRegularFile(trustedRoot)) {
            throw new KeyFileException(trustedRoot.toString(), "no such trusted root file");
        }
        try {
            return new KeylessBundleVerifier(
                    KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(trustedRoot)).build(),
                    identity);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyFileException(trustedRoot.toString(), "not a usable Sigstore trusted_root.json: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Succeeds when at least one of {@code bundles} is a valid keyless signature of {@code release} by the identity;
     * otherwise names why each failed.
     */
    public void verifyAny(Digest release, List<byte[]> bundles) {
        if (bundles.isEmpty()) {
            throw new SignatureVerificationException(Reason.NO_SIGNATURES, "no Sigstore bundles found for release "
                    + release + " (looked for tag sha256-" + release.hex() + ")");
        }
        List<String> problems = new ArrayList<>();
        for (byte[] bundle : bundles) {
            try {
                verify(release, bundle);
                return;
            } catch (SignatureVerificationException e) {
                problems.add(e.getMessage());
            }
        }
        throw new SignatureVerificationException(Reason.SIGNATURE_INVALID, "signature invalid: none of the "
                + bundles.size() + " Sigstore bundle(s) of release " + release + " verifies for " + identity + ": "
                + String.join("; ", problems));
    }

    /** Verifies one bundle (its JSON bytes) over the artifact whose sha256 is {@code release}. */
    public void verify(Digest release, byte[] bundleJson) {
        Bundle bundle;
        try {
            bundle = Bundle.from(new InputStreamReader(new java.io.ByteArrayInputStream(bundleJson),
                    StandardCharsets.UTF_8));
        } catch (BundleParseException | RuntimeException e) {
            throw new SignatureVerificationException(Reason.SIGNATURE_INVALID, "not a Sigstore bundle: "
                    + e.getMessage(), e);
        }
        VerificationOptions options = VerificationOptions.builder()
                .addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
                        .subjectAlternativeName(StringMatcher.string(identity.subjectAlternativeName()))
                        .issuer(StringMatcher.string(identity.oidcIssuer()))
                        .build())
                .build();
        try {
            verifier.verify(release.bytes(), bundle, options);
        } catch (KeylessVerificationException e) {
            throw new SignatureVerificationException(Reason.SIGNATURE_INVALID, "keyless signature of " + release
                    + " does not verify for " + identity + ": " + e.getMessage(), e);
        }
    }
}
