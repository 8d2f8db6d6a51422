package dev.updater.signing;

import dev.updater.registry.BlobSource;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.LocalFileException;
import dev.updater.registry.VerifiedManifest;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.signing.SignatureVerificationException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Signs and verifies releases in a {@link ReleaseStore} (a registry repository or an OCI layout), in cosign's
 * layouts: key signatures under the tag {@code sha256-<hex>.sig}; keyless Sigstore bundles as referrers found
 * through the OCI 1.1 tag-schema fallback {@code sha256-<hex>} (an index of manifests whose subject is the
 * release), since registries like distribution 2.8 have no referrers API.
 *
 * <p>Callers resolve the release digest once and pass it in; every manifest and blob read here is checked against
 * its digest by the store.
 */
public final class SignatureStore {
    public static final String SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX = "application/vnd.dev.sigstore.bundle";
    private static final long MAX_BUNDLE_SIZE = 1024 * 1024;
    private static final int MAX_REFERRERS = 64;

    private final ReleaseStore store;

    public SignatureStore(ReleaseStore store) {
        this.store = store;
    }

    /** What signing did; {@code added} is false when the key had signed this release already. */
    public record Signed(Digest release, String signatureTag, Digest signatureManifest, int signatureCount,
            boolean added) {}

    /** The outcome of a successful verification, for reports. */
    public record Verified(Digest release, String summary) {}

    /**
     * Adds {@code key}'s signature over {@code release} to the release's signature manifest, keeping the signatures
     * already there. Like cosign's duplicate detection, a key that already signed this payload is not added again
     * (ECDSA signatures differ on every run, so equal bytes would not catch it). Blobs go up before the manifest.
     * Two signers racing on the same release can lose one signature, as with cosign: sign one after the other.
     */
    public Signed sign(Digest release, String dockerReference, SigningKey key) {
        String tag = CosignSignatureManifest.signatureTag(release);
        Optional<VerifiedManifest> current = fetchPinned(tag);
        List<CosignSignature> existing = current.isEmpty() ? List.of() : signaturesIn(current.get(), release);
        SimpleSigningPayload payload = new SimpleSigningPayload(dockerReference, release);
        byte[] payloadBytes = payload.toBytes();
        boolean signedAlready = existing.stream()
                .anyMatch(s -> Arrays.equals(s.payload(), payloadBytes) && s.isSignedBy(key.publicKey()));
        if (signedAlready) {
            return new Signed(release, tag, current.get().digest(), existing.size(), false);
        }
        CosignSignatureManifest.Layout layout =
                CosignSignatureManifest.append(existing, CosignSignature.sign(payload, key));
        byte[] config = layout.config();
        store.pushBlob(layout.manifest().config(), BlobSource.of(config));
        for (OciDescriptor layer : layout.manifest().layers()) {
            store.pushBlob(layer, BlobSource.of(layout.layerBlobs().get(layer.digest())));
        }
        Digest pushed = store.pushManifest(layout.manifestBytes(), MediaTypes.OCI_MANIFEST, tag);
        return new Signed(release, tag, pushed, layout.manifest().layers().size(), true);
    }

    /** The cosign signatures stored for {@code release}; empty when there is no signature manifest. */
    public List<CosignSignature> existingSignatures(Digest release) {
        return fetchPinned(CosignSignatureManifest.signatureTag(release)).map(m -> signaturesIn(m, release))
                .orElse(List.of());
    }

    private List<CosignSignature> signaturesIn(VerifiedManifest manifest, Digest release) {
        ImageManifest parsed;
        try {
            parsed = ImageManifest.parse(manifest.bytes());
        } catch (ManifestFormatException e) {
            throw new SignatureVerificationException(Reason.SIGNATURE_INVALID, "the signature manifest "
                    + CosignSignatureManifest.signatureTag(release) + " is not an OCI image manifest: "
                    + e.getMessage(), e);
        }
        return CosignSignatureManifest.readSignatures(parsed, this::readBlob);
    }

    /**
     * Checks {@code release} against {@code policy}. Nothing of the release itself (its payloads) is read: call this
     * before downloading anything.
     *
     * @throws SignatureVerificationException naming why the release is not trusted
     */
    public Verified verify(Digest release, TrustPolicy policy) {
        if (policy instanceof KeyPolicy keys) {
            ReleaseSignatureVerifier.Verified verified = ReleaseSignatureVerifier.verify(release,
                    existingSignatures(release), keys.rekorKey().isEmpty() ? sigstoreBundles(release) : List.of(),
                    keys);
            return new Verified(release, "signed by " + verified.signers().size() + " key(s) ("
                    + String.join(", ", verified.signers().stream().map(VerificationKey::toString).toList())
                    + "), policy " + keys.describe());
        }
        KeylessPolicy keyless = (KeylessPolicy) policy;
        keyless.verifier().verifyAny(release, sigstoreBundles(release));
        return new Verified(release, keyless.describe());
    }

    /** The Sigstore bundles attached to {@code release} as referrers (tag-schema fallback index). */
    public List<byte[]> sigstoreBundles(Digest release) {
        Optional<VerifiedManifest> index = fetchPinned("sha256-" + release.hex());
        if (index.isEmpty() || !index.get().mediaType().equals(MediaTypes.OCI_INDEX)) {
            return List.of();
        }
        List<byte[]> bundles = new ArrayList<>();
        List<JsonReader> referrers;
        try {
            referrers = JsonReader.root(Json.parse(index.get().bytes(), "referrers index")).objectList("manifests");
        } catch (ManifestFormatException e) {
            throw new SignatureVerificationException(Reason.SIGNATURE_INVALID, "the referrers index sha256-"
                    + release.hex() + " is malformed: " + e.getMessage(), e);
        }
        for (JsonReader referrer : referrers.subList(0, Math.min(referrers.size(), MAX_REFERRERS))) {
            String artifactType = referrer.string("artifactType", "");
            if (!artifactType.isEmpty() && !artifactType.startsWith(SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX)) {
                continue;
            }
            ImageManifest manifest;
            try {
                manifest = ImageManifest.parse(store.fetchManifest(referrer.digest("digest").toString()).bytes());
            } catch (ManifestFormatException e) {
                continue; // not an image manifest: not a bundle
            }
            boolean aboutThisRelease = manifest.subject().map(s -> s.digest().equals(release)).orElse(false);
            if (!aboutThisRelease) {
                continue;
            }
            for (OciDescriptor layer : manifest.layers()) {
                if (layer.mediaType().startsWith(SIGSTORE_BUNDLE_MEDIA_TYPE_PREFIX) && layer.size() <= MAX_BUNDLE_SIZE) {
                    bundles.add(readBlob(layer));
                }
            }
        }
        return bundles;
    }

    /** Resolves a tag, then fetches by the resolved digest, so the bytes are checked against it; empty if absent. */
    private Optional<VerifiedManifest> fetchPinned(String tag) {
        OciDescriptor resolved;
        try {
            resolved = store.resolve(tag);
        } catch (NotFoundException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(store.fetchManifest(resolved.digest().toString()));
        } catch (NotFoundException e) {
            return Optional.empty(); // deleted between the two requests
        }
    }

    private byte[] readBlob(OciDescriptor blob) {
        try (InputStream in = store.openBlob(blob)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LocalFileException("cannot read " + blob.digest() + " from " + store.describe(), e);
        }
    }
}
