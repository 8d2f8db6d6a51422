package dev.updater.schema;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The tag namespace of a release repository, in one place: version tags (a version with {@code +} written as
 * {@code _}), channel tags, and the tags other tools and our trust metadata reserve — cosign's fallback tags
 * ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}), the OCI referrers fallback ({@code sha256-<hex>}) and TUF
 * metadata ({@code tuf-...}). A channel may be none of those: moving it would overwrite a signature or trust file.
 */
public final class RepositoryTags {
    /** Prefix of the tags that hold TUF metadata. */
    public static final String TRUST_PREFIX = "tuf-";
    /** Prefix of cosign's signature, attestation and SBOM tags and of the OCI referrers fallback tags. */
    public static final String DIGEST_PREFIX = "sha256-";

    private static final Pattern OCI_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    /** What a tag is, by its name alone. */
    public enum Kind { VERSION, CHANNEL, SIGNATURE, TRUST, OTHER }

    private RepositoryTags() {}

    public static String versionTag(SemVer version) {
        return version.toTag();
    }

    public static Optional<SemVer> versionOf(String tag) {
        return SemVer.fromTag(tag);
    }

    public static Kind kindOf(String tag) {
        if (!OCI_TAG.matcher(tag).matches()) return Kind.OTHER;
        if (tag.startsWith(TRUST_PREFIX)) return Kind.TRUST;
        if (tag.startsWith(DIGEST_PREFIX)) return Kind.SIGNATURE;
        if (versionOf(tag).isPresent()) return Kind.VERSION;
        return UpdateManifest.isValidChannel(tag) ? Kind.CHANNEL : Kind.OTHER;
    }

    /**
     * Why {@code name} cannot be a channel, or empty when it can. A channel must be a tag that is neither a version
     * nor reserved for signatures or trust metadata.
     */
    public static Optional<String> channelProblem(String name) {
        if (name.startsWith(TRUST_PREFIX)) {
            return Optional.of("tags starting with '" + TRUST_PREFIX + "' hold TUF metadata");
        }
        if (name.startsWith(DIGEST_PREFIX)) {
            return Optional.of("tags starting with '" + DIGEST_PREFIX + "' hold signatures, attestations and "
                    + "referrers (cosign's sha256-<hex>.sig and the OCI referrers fallback)");
        }
        if (versionOf(name).isPresent()) return Optional.of("it is a version tag; channels name a stream of versions");
        if (!UpdateManifest.isValidChannel(name)) {
            return Optional.of("use tag characters (letters, digits, '.', '_', '-'; at most 128)");
        }
        return Optional.empty();
    }
}
