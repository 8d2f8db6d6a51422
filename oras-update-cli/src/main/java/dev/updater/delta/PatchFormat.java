package dev.updater.delta;

import dev.updater.schema.MediaTypes;
import java.util.Arrays;

/** The patch formats the engine writes and applies. Each one has its own blob media type. */
public enum PatchFormat {
    /**
     * Our default: a header carrying both files' sizes and SHA-256 digests, then compressed blocks (zstd or xz)
     * that a client applies reading it once, front to back (manifest-schema/SPEC.md, "Delta patch format").
     */
    UPDATER(MediaTypes.PATCH_PREFIX + "bsdiff.v1+xz"),
    /** The classic bsdiff 4.x format (three bzip2 streams), for interoperability with bsdiff/bspatch. */
    BSDIFF40(MediaTypes.PATCH_PREFIX + "bsdiff40.v1+bzip2");

    private final String mediaType;

    PatchFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format whose media type is exactly {@code mediaType}; a {@link PatchException} for any other. */
    public static PatchFormat fromMediaType(String mediaType) {
        return Arrays.stream(values())
                .filter(f -> f.mediaType.equals(mediaType))
                .findFirst()
                .orElseThrow(() -> new PatchException("unknown patch media type '" + mediaType + "'; this client "
                        + "applies " + Arrays.stream(values()).map(PatchFormat::mediaType).toList()
                        + ": fetch the full payload instead"));
    }
}
