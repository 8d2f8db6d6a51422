package dev.updater.tuf;

import dev.updater.rollout.RolloutStateException;
import dev.updater.rollout.RolloutRequest;
import dev.updater.rollout.RolloutPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.updater.registry.ReleaseStore;
import dev.updater.schema.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Publishes a channel's rollout policy in a repository with TUF trust: the {@code custom.rollout} field of the signed
 * targets entry {@code PRODUCT/channels/CHANNEL}, in a new targets version signed with the targets key, then new
 * snapshot and timestamp versions. The release is the one that signed entry names (never the tag), and the policy
 * lives inside the same signature, so nobody without the targets key can change it, and every device that uses trust
 * sees the new percentage with its next timestamp.
 */
public final class TrustedRollout {
    private TrustedRollout() {}

    /** What was signed: the release the channel's entry names and the policy now in it. */
    public record Published(Digest release, RolloutPolicy policy, String targetPath) {}

    public static Published publish(ReleaseStore store, Path keysDir, Optional<Path> workingCopy, String product,
            String channel, RolloutRequest request) {
        if (!OciTrustMirror.hasTrust(store)) {
            throw new RolloutStateException(store.describe() + " has no TUF metadata (no tag tuf-root.1): give --key "
                    + "(or nothing) instead of --trust-keys to publish the policy as a policy artifact");
        }
        TufSigningKey targets = TufSigningKey.read(keysDir.resolve("targets.pem"));
        TufSigningKey snapshot = TufSigningKey.read(keysDir.resolve("snapshot.pem"));
        TufSigningKey timestamp = TufSigningKey.read(keysDir.resolve("timestamp.pem"));
        String path = ReleaseTargets.channelPath(product, channel);
        Path dir = workingCopy.orElseGet(TrustedRollout::temporaryDirectory);
        try {
            return OciTrustMirror.publish(store, dir, Clock.systemUTC(), publisher -> {
                ObjectNode entry = publisher.targetEntry(path).orElseThrow(() -> new RolloutStateException("the "
                        + "signed TUF targets of " + store.describe() + " list no '" + path + "' (product '" + product
                        + "', channel '" + channel + "'); push or promote a release to the channel with "
                        + "--trust-keys first, or give the right --product"));
                JsonNode sha256 = entry.path("hashes").path("sha256");
                if (!Digest.isValid("sha256:" + sha256.asText())) {
                    throw new RolloutStateException("the signed targets entry '" + path + "' names no release by "
                            + "sha256");
                }
                Digest release = Digest.parse("sha256:" + sha256.asText());
                RolloutPolicy policy = request.policyFor(release);
                ObjectNode custom = entry.has("custom") && entry.get("custom").isObject()
                        ? (ObjectNode) entry.get("custom") : entry.putObject("custom");
                custom.set("rollout", policy.toJson());
                publisher.addTargets(Map.of(path, entry), targets, snapshot, timestamp);
                return new Published(release, policy, path);
            });
        } finally {
            if (workingCopy.isEmpty()) deleteTree(dir);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("update-rollout-");
        } catch (IOException e) {
            throw new dev.updater.registry.LocalFileException("cannot create a temporary TUF working copy", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
