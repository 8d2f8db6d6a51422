package dev.updater.pull;

import dev.updater.registry.StoreReference;
import dev.updater.schema.RepositoryTags;
import dev.updater.signing.TrustPolicy;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a device asks for: one target of the release {@code release} (a tag or digest) in {@code repository}, under
 * which trust, and from which base file a patch may start. The signature policy's keys are already loaded: a bad
 * key is a usage error before the install root is locked or the network is touched.
 *
 * @param tuf where the device's pinned TUF root lives; when one is pinned the release is resolved through the signed
 *            targets, never through the tag
 */
public record DevicePull(StoreReference repository, String release, String target, Optional<TrustPolicy> signatures,
        Tuf tuf, Optional<Path> base) {

    public DevicePull {
        if (repository == null || release == null || release.isBlank() || target == null || target.isBlank()) {
            throw new IllegalArgumentException("a repository, a release and a target are required");
        }
        if (signatures == null || tuf == null || base == null) {
            throw new IllegalArgumentException("signatures, tuf and base are required (Optional.empty() for none)");
        }
    }

    /** The channel the request names (its tag is a channel, not a version or digest): what a rollout applies to. */
    public Optional<String> channel() {
        return RepositoryTags.kindOf(release) == RepositoryTags.Kind.CHANNEL ? Optional.of(release) : Optional.empty();
    }

    /**
     * TUF settings of a pull.
     *
     * @param required fail unless a root is pinned in {@code trustDir}
     * @param product the product whose targets are looked up; by default the repository's last component
     */
    public record Tuf(Path trustDir, boolean required, Optional<String> product) {
        public Tuf {
            if (trustDir == null || product == null) {
                throw new IllegalArgumentException("a trust directory is required, and a product or none");
            }
        }
    }
}
