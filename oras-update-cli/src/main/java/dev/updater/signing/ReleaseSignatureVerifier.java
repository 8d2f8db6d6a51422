package dev.updater.signing;

import dev.updater.schema.Digest;
import dev.updater.schema.ManifestFormatException;
import dev.updater.signing.SignatureVerificationException.Reason;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether cosign signatures make a release trusted under a {@link KeyPolicy}. Pure: signatures in, verdict
 * out. A payload is read only after its signature verified with a listed key, so nothing an attacker wrote
 * without a key is ever parsed as trusted.
 */
public final class ReleaseSignatureVerifier {
    private ReleaseSignatureVerifier() {}

    /** The keys whose valid signatures over the release digest satisfied the policy. */
    public record Verified(Digest release, List<VerificationKey> signers) {
        public Verified {
            signers = List.copyOf(signers);
        }
    }

    /**
     * Verifies {@code signatures} (the layers of the release's signature manifest) against {@code release}, the
     * digest the caller resolved, once, before fetching anything else.
     *
     * @throws SignatureVerificationException naming the first reason the policy is not met
     */
    public static Verified verify(Digest release, List<CosignSignature> signatures, KeyPolicy policy) {
        return verify(release, signatures, List.of(), policy);
    }

    /**
     * As {@link #verify(Digest, List, KeyPolicy)}, also counting key-signed Sigstore bundles (cosign v3's default
     * form) towards the threshold. With a Rekor key in the policy, bundles do not count: their log entries are not
     * checked here.
     */
    public static Verified verify(Digest release, List<CosignSignature> signatures, List<byte[]> bundles,
            KeyPolicy policy) {
        if (signatures.isEmpty() && bundles.isEmpty()) {
            throw new SignatureVerificationException(Reason.NO_SIGNATURES, "no signatures found for release "
                    + release + " (nothing under cosign's tags " + CosignSignatureManifest.signatureTag(release)
                    + " and sha256-" + release.hex() + "). Either nobody signed this release or the tag now points to an unsigned one; publishers"
                    + " sign with 'update sign REF --key KEY'. Nothing was installed");
        }
        Set<VerificationKey> signers = new LinkedHashSet<>();
        if (policy.rekorKey().isEmpty()) {
            bundles.forEach(b -> signers.addAll(DsseBundleKeyVerifier.signers(b, release, policy.keys())));
        }
        Optional<Digest> otherSignedDigest = Optional.empty();
        Optional<String> logProblem = Optional.empty();
        Optional<String> payloadProblem = Optional.empty();
        for (CosignSignature signature : signatures) {
            for (VerificationKey key : policy.keys()) {
                if (signers.contains(key) || !signature.isSignedBy(key)) {
                    continue;
                }
                SimpleSigningPayload payload;
                try {
                    payload = SimpleSigningPayload.parse(signature.payload());
                } catch (ManifestFormatException e) {
                    payloadProblem = Optional.of(e.getMessage());
                    continue;
                }
                if (!payload.manifestDigest().equals(release)) {
                    otherSignedDigest = Optional.of(payload.manifestDigest());
                    continue;
                }
                if (policy.rekorKey().isPresent()) {
                    Optional<String> problem = RekorEntryVerifier.problem(signature, key, policy.rekorKey().get());
                    if (problem.isPresent()) {
                        logProblem = problem;
                        continue;
                    }
                }
                signers.add(key);
            }
        }
        if (signers.size() >= policy.threshold()) {
            return new Verified(release, List.copyOf(signers));
        }
        if (!signers.isEmpty()) {
            throw new SignatureVerificationException(Reason.THRESHOLD_NOT_MET, "threshold not met for release "
                    + release + ": " + signers.size() + " of the required " + policy.threshold()
                    + " distinct keys signed it (" + names(signers) + ")");
        }
        if (logProblem.isPresent()) {
            throw new SignatureVerificationException(Reason.TRANSPARENCY_LOG_INVALID, "release " + release
                    + ": transparency log check failed: " + logProblem.get());
        }
        if (otherSignedDigest.isPresent()) {
            throw new SignatureVerificationException(Reason.SIGNED_DIGEST_DIFFERS, "signed digest differs:"
                    + " a listed key signed " + otherSignedDigest.get() + ", but the release is " + release
                    + "; the tag may have been moved to another manifest. Nothing was installed");
        }
        if (payloadProblem.isPresent()) {
            throw new SignatureVerificationException(Reason.SIGNATURE_INVALID, "signature invalid for release "
                    + release + ": a signed payload is not a cosign simple-signing document: "
                    + payloadProblem.get());
        }
        throw new SignatureVerificationException(Reason.SIGNATURE_INVALID, "signature invalid: none of the "
                + (signatures.size() + bundles.size()) + " signature(s) of release " + release + " verifies with "
                + names(policy.keys()));
    }

    private static String names(Iterable<VerificationKey> keys) {
        return java.util.stream.StreamSupport.stream(keys.spliterator(), false)
                .map(VerificationKey::toString).collect(Collectors.joining(", "));
    }
}
