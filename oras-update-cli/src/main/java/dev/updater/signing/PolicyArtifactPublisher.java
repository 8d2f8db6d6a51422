package dev.updater.signing;

import dev.updater.rollout.RolloutPolicy;
import dev.updater.rollout.PolicyArtifact;
import dev.updater.registry.BlobSource;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.ReleaseStore;
import dev.updater.schema.Digest;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.UpdaterException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes a channel's rollout policy in a repository without TUF trust: the release's {@link PolicyArtifact}
 * with this channel's entry replaced (the other channels' kept), pushed by digest, signed with the release key when
 * one is given, and only then tagged — so a device never sees the tag on an unsigned policy.
 */
public final class PolicyArtifactPublisher {
    private final ReleaseStore store;

    public PolicyArtifactPublisher(ReleaseStore store) {
        this.store = store;
    }

    /** What was published: the policy manifest's digest and whether it is signed. */
    public record Published(Digest policyManifest, PolicyArtifact artifact, boolean signed) {}

    public Published publish(Digest release, String channel, RolloutPolicy policy, Optional<SigningKey> key,
            String dockerReference) {
        PolicyArtifact artifact = existing(release).orElse(new PolicyArtifact(release, Map.of())).with(channel, policy);
        byte[] document = artifact.documentBytes();
        store.pushBlob(PolicyArtifact.EMPTY_CONFIG_DESCRIPTOR, BlobSource.of(PolicyArtifact.EMPTY_CONFIG));
        OciDescriptor layer = artifact.layer();
        store.pushBlob(layer, BlobSource.of(document));
        byte[] manifest = artifact.manifestBytes();
        Digest digest = store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, Digest.of(manifest).toString());
        key.ifPresent(k -> new SignatureStore(store).sign(digest, dockerReference, k));
        store.pushManifest(manifest, MediaTypes.OCI_MANIFEST, PolicyArtifact.tagFor(release));
        return new Published(digest, artifact, key.isPresent());
    }

    /** The policies already published for the release; a damaged artifact is replaced, not merged. */
    private Optional<PolicyArtifact> existing(Digest release) {
        try {
            byte[] manifest = store.fetchManifest(PolicyArtifact.tagFor(release)).bytes();
            try (InputStream in = store.openBlob(PolicyArtifact.layerOf(manifest))) {
                PolicyArtifact artifact = PolicyArtifact.parse(in.readAllBytes());
                return artifact.release().equals(release) ? Optional.of(artifact) : Optional.empty();
            }
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (UpdaterException | IOException e) {
            return Optional.empty();
        }
    }
}
