package dev.updater.publish;

import dev.updater.schema.SemVer;
import java.util.Optional;

/** What happened to one candidate patch: made and kept, or skipped with a reason. */
public record PatchReport(String target, SemVer fromVersion, Optional<Long> patchSize, long compressedFullSize,
        boolean kept, String reason) {
    public PatchReport {
        patchSize = patchSize == null ? Optional.empty() : patchSize;
    }
}
