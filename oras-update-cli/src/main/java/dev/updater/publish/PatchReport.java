package dev.updater.publish;

import dev.updater.delta.PatchCompression;
import dev.updater.schema.SemVer;
import java.util.Optional;

/**
 * What happened to one candidate patch: made and kept, or skipped with a reason; the compression of its body when
 * one was made.
 */
public record PatchReport(String target, SemVer fromVersion, Optional<Long> patchSize, long compressedFullSize,
        boolean kept, String reason, Optional<PatchCompression> compression) {
    public PatchReport {
        patchSize = patchSize == null ? Optional.empty() : patchSize;
        compression = compression == null ? Optional.empty() : compression;
    }

    /** A candidate for which no patch was made. */
    PatchReport(String target, SemVer fromVersion, long compressedFullSize, String reason) {
        this(target, fromVersion, Optional.empty(), compressedFullSize, false, reason, Optional.empty());
    }
}
