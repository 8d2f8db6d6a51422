package dev.updater.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.Json;
import dev.updater.schema.JsonReader;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import dev.updater.schema.RepositoryTags;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rollout policies of one release in a repository without TUF trust: a small OCI artifact under the tag
 * {@code sha256-<release hex>.rollout} (in the {@code sha256-} namespace that {@link RepositoryTags} reserves for what
 * belongs to a release, beside cosign's {@code .sig}), whose one layer is
 * {@code {"release": "sha256:...", "channels": {"stable": {"percent": 25, "salt": "...", "start": "..."}}}}. It is
 * signed like a release (cosign's {@code sha256-<policy manifest hex>.sig}); the release digest inside binds it to
 * one release, so an old policy cannot be replayed onto the next release.
 */
public record PolicyArtifact(Digest release, Map<String, RolloutPolicy> channels) {
    public static final String ARTIFACT_TYPE = "application/vnd.updater.rollout.v1+json";
    /** More than any policy document needs; a larger layer is refused unread. */
    public static final long MAX_BYTES = 64 * 1024;
    public static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.US_ASCII);
    public static final OciDescriptor EMPTY_CONFIG_DESCRIPTOR = new OciDescriptor(MediaTypes.OCI_EMPTY,
            Digest.of(EMPTY_CONFIG), EMPTY_CONFIG.length);

    public PolicyArtifact {
        if (release == null) throw new IllegalArgumentException("a policy artifact names its release");
        channels = Map.copyOf(new TreeMap<>(channels));
    }

    public static String tagFor(Digest release) {
        return RepositoryTags.DIGEST_PREFIX + release.hex() + ".rollout";
    }

    public PolicyArtifact with(String channel, RolloutPolicy policy) {
        Map<String, RolloutPolicy> all = new TreeMap<>(channels);
        all.put(channel, policy);
        return new PolicyArtifact(release, all);
    }

    public byte[] documentBytes() {
        ObjectNode n = Json.object();
        n.put("release", release.toString());
        ObjectNode c = n.putObject("channels");
        channels.forEach((name, policy) -> c.set(name, policy.toJson()));
        return Json.write(n);
    }

    public OciDescriptor layer() {
        byte[] doc = documentBytes();
        return new OciDescriptor(ARTIFACT_TYPE, Digest.of(doc), doc.length);
    }

    public byte[] manifestBytes() {
        return new ImageManifest(Optional.of(ARTIFACT_TYPE), EMPTY_CONFIG_DESCRIPTOR, List.of(layer()),
                Optional.empty(), Map.of()).toBytes();
    }

    /** The one layer of a policy manifest, refused when it is not one (or too large to be one). */
    public static OciDescriptor layerOf(byte[] manifestBytes) {
        ImageManifest manifest = ImageManifest.parse(manifestBytes);
        if (!manifest.artifactType().equals(Optional.of(ARTIFACT_TYPE)) || manifest.layers().size() != 1
                || !manifest.layers().get(0).mediaType().equals(ARTIFACT_TYPE)) {
            throw new ManifestFormatException("rollout policy manifest", "not a rollout policy artifact ("
                    + ARTIFACT_TYPE + " with one layer)");
        }
        OciDescriptor layer = manifest.layers().get(0);
        if (layer.size() > MAX_BYTES) {
            throw new ManifestFormatException("rollout policy manifest", "its layer of " + layer.size()
                    + " bytes is larger than a policy (" + MAX_BYTES + ")");
        }
        return layer;
    }

    public static PolicyArtifact parse(byte[] document) {
        JsonNode root = Json.parse(document, "rollout policy");
        JsonReader r = JsonReader.root(root, "rollout policy").onlyFields(java.util.Set.of("release", "channels"));
        Map<String, RolloutPolicy> channels = new TreeMap<>();
        JsonReader c = r.object("channels");
        for (Map.Entry<String, JsonNode> e : root.get("channels").properties()) {
            channels.put(e.getKey(), RolloutPolicy.fromJson(e.getValue(), c.path(e.getKey())));
        }
        return new PolicyArtifact(r.digest("release"), channels);
    }
}
