package dev.updater.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * A delta patch from one earlier payload to this release's payload of the same target. A client holding a file
 * whose digest is {@code fromDigest} downloads the patch blob ({@code digest}, {@code size}) instead of the payload.
 */
public record PatchDescriptor(SemVer fromVersion, Digest fromDigest, long fromSize, Digest digest, long size,
        String mediaType) {

    static final Set<String> FIELDS = Set.of("fromVersion", "fromDigest", "fromSize", "digest", "size", "mediaType");

    public PatchDescriptor {
        if (fromVersion == null || fromDigest == null || digest == null) {
            throw new IllegalArgumentException("a patch needs its source version, source digest and digest");
        }
        if (size < 0 || fromSize < 0) {
            throw new IllegalArgumentException("sizes cannot be negative");
        }
        if (mediaType == null || !mediaType.startsWith(MediaTypes.PATCH_PREFIX)) {
            throw new IllegalArgumentException("a patch media type starts with " + MediaTypes.PATCH_PREFIX);
        }
    }

    ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("fromVersion", fromVersion.toString());
        n.put("fromDigest", fromDigest.toString());
        n.put("fromSize", fromSize);
        n.put("digest", digest.toString());
        n.put("size", size);
        n.put("mediaType", mediaType);
        return n;
    }

    static PatchDescriptor read(JsonReader r) {
        r.onlyFields(FIELDS);
        String from = r.string("fromVersion");
        if (!SemVer.isValid(from)) {
            throw new ManifestFormatException(r.path("fromVersion"), "not a semantic version: "
                    + JsonReader.abbreviate(from));
        }
        String mediaType = r.string("mediaType");
        if (!mediaType.startsWith(MediaTypes.PATCH_PREFIX)) {
            throw new ManifestFormatException(r.path("mediaType"), "a patch media type starts with "
                    + MediaTypes.PATCH_PREFIX);
        }
        return new PatchDescriptor(SemVer.parse(from), r.digest("fromDigest"), r.nonNegativeLong("fromSize"),
                r.digest("digest"), r.nonNegativeLong("size"), mediaType);
    }
}
