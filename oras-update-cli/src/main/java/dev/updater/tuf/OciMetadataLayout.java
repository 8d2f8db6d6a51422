package dev.updater.tuf;

import dev.updater.schema.Digest;
import dev.updater.schema.ImageManifest;
import dev.updater.schema.ManifestFormatException;
import dev.updater.schema.MediaTypes;
import dev.updater.schema.OciDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How TUF metadata files live in an OCI repository (see SPEC.md, "TUF metadata in an OCI repository"): one small
 * image manifest per file, found by a tag derived from role and version, the file as its single layer with its exact
 * bytes. Plain tags and manifests only, so it works on registries without the referrers API and on OCI layouts.
 */
public final class OciMetadataLayout {
    public static final String ARTIFACT_TYPE = "application/vnd.updater.tuf.v1";
    public static final String METADATA_MEDIA_TYPE = "application/vnd.updater.tuf.metadata.v1+json";
    public static final String ANNOTATION_ROLE = "dev.updater.tuf.role";
    public static final String TAG_PREFIX = dev.updater.schema.RepositoryTags.TRUST_PREFIX;
    /** The OCI empty descriptor's content: the config of every metadata manifest. */
    public static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.US_ASCII);
    public static final OciDescriptor EMPTY_CONFIG_DESCRIPTOR = new OciDescriptor(MediaTypes.OCI_EMPTY,
            Digest.of(EMPTY_CONFIG), EMPTY_CONFIG.length);

    /** Role names used as they are: no '.', which separates the version, and no '_', which marks hashed names. */
    private static final Pattern PLAIN_ROLE = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern TAG = Pattern.compile("tuf-([A-Za-z0-9-]{1,64}|_[0-9a-f]{64})(?:\\.([1-9][0-9]{0,18}))?");

    private OciMetadataLayout() {}

    /**
     * The tag of a metadata file: {@code tuf-<role>[.<version>]}. A role name that is not 1-64 of
     * {@code A-Za-z0-9-} is written {@code _} + hex sha256 of its UTF-8 bytes, so any name gives a valid tag
     * (at most 4 + 65 + 20 characters) and distinct names give distinct tags.
     */
    public static String tagFor(String roleName, OptionalLong version) {
        String role = PLAIN_ROLE.matcher(roleName).matches() ? roleName : "_" + Digest.ofUtf8(roleName).hex();
        return TAG_PREFIX + role + (version.isPresent() ? "." + version.getAsLong() : "");
    }

    /** A metadata tag split into its role part (as in the tag) and version; empty for any other tag. */
    public record ParsedTag(String rolePart, OptionalLong version) {}

    public static Optional<ParsedTag> parseTag(String tag) {
        Matcher m = TAG.matcher(tag);
        if (!m.matches()) return Optional.empty();
        return Optional.of(new ParsedTag(m.group(1),
                m.group(2) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(2)))));
    }

    /** The layer descriptor of a metadata file. */
    public static OciDescriptor layerFor(byte[] metadata) {
        return new OciDescriptor(METADATA_MEDIA_TYPE, Digest.of(metadata), metadata.length);
    }

    /** The manifest of a metadata file; deterministic (no time stamp), so the same file always has the same digest. */
    public static ImageManifest manifestFor(String roleName, byte[] metadata) {
        return new ImageManifest(Optional.of(ARTIFACT_TYPE), EMPTY_CONFIG_DESCRIPTOR, List.of(layerFor(metadata)),
                Optional.empty(), Map.of(ANNOTATION_ROLE, roleName));
    }

    /** The metadata layer of a manifest found under a metadata tag; refuses anything else. */
    public static OciDescriptor metadataLayerOf(String tag, byte[] manifestBytes) {
        ImageManifest manifest = ImageManifest.parse(manifestBytes);
        if (!manifest.artifactType().map(ARTIFACT_TYPE::equals).orElse(false) || manifest.layers().size() != 1
                || !manifest.layers().get(0).mediaType().equals(METADATA_MEDIA_TYPE)) {
            throw new ManifestFormatException(tag, "the manifest under tag '" + tag + "' is not TUF metadata (expected"
                    + " artifactType " + ARTIFACT_TYPE + " and one layer of " + METADATA_MEDIA_TYPE + ")");
        }
        return manifest.layers().get(0);
    }
}
