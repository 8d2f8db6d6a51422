package dev.updater.pull;

import dev.updater.schema.Digest;
import dev.updater.schema.SemVer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a pull wrote: which release and target, the verified payload digest, how it was obtained ({@code delta}: a
 * patch applied to the base file; {@code full}: the payload itself) and why a delta was not used, and how many
 * bytes crossed the wire.
 */
public record PullResult(Digest releaseDigest, String product, SemVer version, String target, Digest payloadDigest,
        long payloadSize, Fetch fetch, Path output) {

    /** How the payload bytes were obtained. */
    public record Fetch(String method, long bytesDownloaded, Optional<SemVer> patchFrom,
            Optional<String> fallbackReason) {
        public static final String FULL = "full";
        public static final String DELTA = "delta";

        public Fetch {
            patchFrom = patchFrom == null ? Optional.empty() : patchFrom;
            fallbackReason = fallbackReason == null ? Optional.empty() : fallbackReason;
        }
    }
}
