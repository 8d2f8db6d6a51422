package dev.updater.pull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.updater.registry.NotFoundException;
import dev.updater.registry.ReleaseStore;
import dev.updater.registry.VerifiedManifest;
import dev.updater.rollout.ChannelPolicy;
import dev.updater.rollout.PolicyArtifact;
import dev.updater.rollout.RolloutPolicy;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.UpdaterException;
import dev.updater.schema.tuf.TargetFile;
import dev.updater.signing.SignatureStore;
import dev.updater.signing.TrustPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The policy stage of a device pull: the rollout policy of the channel's release, from where the device's trust says
 * it lives, read only as far as it is signed as required.
 * <ul>
 *   <li>Resolved through TUF: the {@code custom.rollout} field of the signed targets entry of
 *       {@code PRODUCT/channels/CHANNEL}, nothing else (a policy artifact in the repository is not even read).</li>
 *   <li>Otherwise: the policy artifact of the release ({@link PolicyArtifact}); with a signature policy it must be
 *       signed as the release must be, else it is ignored.</li>
 * </ul>
 * A pull of a version or digest has no channel and so no rollout.
 */
public final class ChannelPolicies {
    private ChannelPolicies() {}

    public static ChannelPolicy read(ReleaseStore store, VerifiedRelease release, Optional<String> channel,
            Optional<TrustPolicy> signatures) {
        if (channel.isEmpty()) return ChannelPolicy.NONE;
        if (release.route() == ResolvedRelease.Route.TUF) {
            return fromTufEntry(release.trustedEntry().orElseThrow());
        }
        return fromArtifact(store, release, channel.get(), signatures);
    }

    private static ChannelPolicy fromTufEntry(TargetFile entry) {
        Optional<JsonNode> rollout = entry.custom().map(c -> c.get("rollout")).filter(n -> !n.isNull());
        if (rollout.isEmpty()) return ChannelPolicy.NONE;
        try {
            return new ChannelPolicy.Signed(RolloutPolicy.fromJson(rollout.get(), "custom.rollout of '"
                    + entry.path() + "'"), "signed TUF targets");
        } catch (ManifestFormatException e) {
            return new ChannelPolicy.Ignored("the signed targets entry's rollout is malformed: " + e.getMessage());
        }
    }

    private static ChannelPolicy fromArtifact(ReleaseStore store, VerifiedRelease release, String channel,
            Optional<TrustPolicy> signatures) {
        String tag = PolicyArtifact.tagFor(release.digest());
        VerifiedManifest manifest;
        try {
            manifest = store.fetchManifest(tag);
        } catch (NotFoundException e) {
            return ChannelPolicy.NONE;
        }
        PolicyArtifact artifact;
        try {
            OciDescriptor layer = PolicyArtifact.layerOf(manifest.bytes());
            try (InputStream in = store.openBlob(layer)) {
                artifact = PolicyArtifact.parse(in.readAllBytes());
            }
        } catch (UpdaterException | IOException e) {
            return new ChannelPolicy.Ignored("the policy artifact " + tag + " is unreadable: " + e.getMessage());
        }
        if (!artifact.release().equals(release.digest())) {
            return new ChannelPolicy.Ignored("the policy artifact " + tag + " is for another release ("
                    + artifact.release().shortForm() + ")");
        }
        RolloutPolicy policy = artifact.channels().get(channel);
        if (policy == null) return ChannelPolicy.NONE;
        if (signatures.isEmpty()) {
            return new ChannelPolicy.Signed(policy, "unsigned; this device checks no signatures");
        }
        try {
            return new ChannelPolicy.Signed(policy, new SignatureStore(store).verify(manifest.digest(),
                    signatures.get()).summary());
        } catch (UpdaterException e) {
            return new ChannelPolicy.Ignored("its signatures do not satisfy this device's policy: " + e.getMessage());
        }
    }
}
